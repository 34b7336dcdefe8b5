package io.jtrace.bench.overhead;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The Jetty workload's load generator, in its own untraced JVM: {@code JettyLoadMain PORT
 * CONNECTIONS WARMUP_MS MEASURE_MS}. Each connection is a virtual thread sending HTTP/1.1
 * keep-alive GETs back to back over loopback (closed loop); a request's latency runs from
 * writing it to reading the last byte of its response.
 */
public final class JettyLoadMain {
    private JettyLoadMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        long warmupMs = Long.parseLong(args[2]);
        long measureMs = Long.parseLong(args[3]);
        Meter meter = new Meter();
        for (int i = 0; i < connections; i++) {
            int id = i;
            Thread.ofVirtual().name("load-" + i).start(() -> {
                try {
                    load(port, id, meter);
                } catch (IOException e) {
                    System.err.println("connection " + id + " failed: " + e);
                    System.exit(1);
                }
            });
        }
        meter.measure(warmupMs * 1_000_000L);
        System.out.println(Meter.WINDOW_START);
        System.out.flush();
        Meter.Window w = meter.measure(measureMs * 1_000_000L);
        System.out.println(Meter.WINDOW_END);
        Meter.Window window = new Meter.Window(w.ops(), w.nanos(), w.p99Nanos(), -1);
        System.out.println(window.resultLine("jetty"));
        System.out.flush();
        System.exit(0);
    }

    private static void load(int port, int id, Meter meter) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
            byte[] request = ("GET /item/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                long start = System.nanoTime();
                out.write(request);
                out.flush();
                readResponse(in);
                meter.request(start);
            }
        }
    }

    /** Reads the status line and headers, then Content-Length bytes of body. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        long contentLength = -1;
        boolean status = true;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.isEmpty()) {
                break;
            }
            if (status) {
                if (!line.toString().startsWith("HTTP/1.1 200")) {
                    throw new IOException("unexpected status: " + line);
                }
                status = false;
            } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                contentLength = Long.parseLong(line.substring(15).strip());
            }
        }
        if (contentLength < 0) {
            throw new IOException("response without Content-Length");
        }
        for (long left = contentLength; left > 0; left--) {
            if (in.read() < 0) {
                throw new IOException("body cut short");
            }
        }
    }
}
