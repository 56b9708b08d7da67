package org.smimepickup.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Postfix's {@code smtp-sink} on 127.0.0.1: accepts and discards mail as fast as it can. */
final class SmtpSink implements AutoCloseable {
    private static final List<Path> LOCATIONS = List.of(Path.of("/usr/sbin/smtp-sink"),
            Path.of("/usr/lib/postfix/sbin/smtp-sink"), Path.of("/usr/bin/smtp-sink"));

    private final Process process;
    private final int port;

    private SmtpSink(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Started on a free loopback port, or null when smtp-sink is not installed. */
    static SmtpSink start(Path dir) throws IOException, InterruptedException {
        Path binary = LOCATIONS.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (binary == null) {
            return null;
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dir);
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(), "-c"));
        if ("root".equals(System.getProperty("user.name"))) {
            // smtp-sink refuses to run as root; "nobody" exists on every Debian system
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of("127.0.0.1:" + port, "1000"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sink.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return new SmtpSink(process, port);
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        process.destroy();
        throw new IllegalStateException("smtp-sink did not start on 127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
