package io.jtrace.agent.it.workloads;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A loopback echo: "server" accepts and reads (waiting for the client), "client" connects after
 * 30 ms and writes after another 30 ms; on platform or virtual threads. Then "reader" reads a
 * 4 MiB file with FileInputStream.
 */
public final class SocketsAndFiles {
    public static void main(String[] args) throws Exception {
        boolean virtual = args.length > 0 && args[0].equals("virtual");
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread s = builder.name("server").start(() -> {
                try (Socket peer = server.accept(); InputStream in = peer.getInputStream()) {
                    System.out.println("server read " + in.read());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread c = builder.name("client").start(() -> {
                Work.sleep(30);
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                     OutputStream out = socket.getOutputStream()) {
                    Work.sleep(30);
                    out.write(42);
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            s.join();
            c.join();
        }
        Path file = Files.createTempFile("jtrace-it", ".bin");
        Files.write(file, new byte[4 << 20]);
        Thread reader = Thread.ofPlatform().name("reader").start(() -> {
            try (InputStream in = Files.newInputStream(file)) {
                System.out.println("read " + in.readAllBytes().length);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        reader.join();
        Files.delete(file);
    }
}
