package io.jtrace.bench.overhead;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The Jetty workload's server, the JVM that the configuration under test records: Jetty 12 on
 * virtual threads, on 127.0.0.1, answering every request with a small computed body. Prints
 * {@code PORT n} when it listens; exits when its standard input closes.
 */
public final class JettyServerMain {
    private JettyServerMain() {}

    public static void main(String[] args) throws Exception {
        VirtualThreadPool threads = new VirtualThreadPool();
        threads.setName("jetty-vt");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                long x = QueuePipelineWorkload.mix(path.hashCode());
                StringBuilder body = new StringBuilder(512);
                body.append("{\"path\":\"").append(path).append("\",\"values\":[");
                for (int i = 0; i < 24; i++) {
                    x = QueuePipelineWorkload.mix(x + i);
                    body.append(i == 0 ? "" : ",").append(x & 0xffff);
                }
                body.append("]}\n");
                byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
                response.write(true, ByteBuffer.wrap(bytes), callback);
                return true;
            }
        });
        server.start();
        System.out.println("PORT " + connector.getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the suite closes our standard input when the load generator is done
        }
        System.exit(0);
    }
}
