package org.smimepickup.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.smimepickup.certs.DemoPki;

/**
 * A complete setup in a temp folder: config file, spool, pickup folder, DEMO signing key for
 * {@code alerts@sender.example} and recipient certificates, and the daemon run as a process
 * the way the launcher runs it.
 */
public final class ServiceFixture {
    public static final String SENDER = "alerts@sender.example";
    public static final String RECIPIENT = "ana@rcpt.example";

    public final Path root;
    public final Path config;
    public final Path spool;
    public final Path keys;
    public final Path certs;
    public final Path pickup;
    private final List<String> settings = new ArrayList<>();

    private ServiceFixture(Path root) {
        this.root = root;
        this.config = root.resolve("smime-pickup.conf");
        this.spool = root.resolve("spool");
        this.keys = root.resolve("keys");
        this.certs = root.resolve("certs");
        this.pickup = root.resolve("pickup");
    }

    /** Keys and folders made, config written with {@code extra} lines ("key = value"). */
    public static ServiceFixture create(Path root, String... extra)
            throws IOException, GeneralSecurityException {
        ServiceFixture fixture = new ServiceFixture(root);
        for (Path dir : List.of(fixture.keys, fixture.certs, fixture.pickup)) {
            Files.createDirectories(dir);
        }
        DemoPki ca = new DemoPki("smime-pickup service test CA");
        DemoPki.Issued sender = ca.issue(SENDER, 365);
        DemoPki.writePem(fixture.keys.resolve(SENDER + ".pem"), true, sender.keys().getPrivate());
        DemoPki.writePem(fixture.keys.resolve(SENDER + ".crt"), false, sender.certificate());
        DemoPki.Issued recipient = ca.issue(RECIPIENT, 365);
        DemoPki.writePem(fixture.certs.resolve(RECIPIENT + ".crt"), false,
                recipient.certificate());
        fixture.writeConfig(extra);
        return fixture;
    }

    /** Rewrites the config file: the fixture's folders plus {@code extra} lines. */
    public void writeConfig(String... extra) throws IOException {
        settings.clear();
        settings.addAll(List.of("spool.dir = spool", "keys.dir = keys", "certs.dir = certs",
                "pickup.dir = pickup", "rescan.seconds = 1", "workers = 2"));
        settings.addAll(List.of(extra));
        Files.writeString(config, String.join("\n", settings) + "\n");
    }

    /** A plain message from {@link #SENDER} to {@link #RECIPIENT}, renamed into the inbox. */
    public Path drop(String name) throws IOException {
        return drop(name, 1);
    }

    /** As {@link #drop(String)}, with a body of {@code lines} text lines of 76 characters. */
    public Path drop(String name, int lines) throws IOException {
        Files.createDirectories(spool.resolve("tmp"));
        Path partial = spool.resolve("tmp").resolve("." + name + ".tmp");
        String line = ("body of " + name + " ").repeat(10).substring(0, 76) + "\r\n";
        Files.writeString(partial, "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: "
                + name + "\r\n\r\n" + line.repeat(lines), StandardCharsets.US_ASCII);
        return Files.move(partial, spool.resolve(name));
    }

    /** Message files in a spool sub-folder ("" for the inbox), hidden files not counted. */
    public List<Path> files(String folder) {
        Path dir = folder.isEmpty() ? spool : spool.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pickup files written so far. */
    public List<Path> pickupFiles() {
        try (Stream<Path> entries = Files.list(pickup)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code smime-pickup COMMAND --config FILE} as its own JVM. */
    public Process start(String command, Map<String, String> environment) throws IOException {
        return start(List.of(), command, environment);
    }

    /** As {@link #start(String, Map)}, through {@code launcher} (e.g. {@code nohup}). */
    public Process start(List<String> launcher, String command, Map<String, String> environment)
            throws IOException {
        List<String> line = new ArrayList<>(launcher);
        line.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                "org.smimepickup.cli.Main", command, "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(root.resolve(command + ".log").toFile());
        builder.environment().remove("NOTIFY_SOCKET");
        // the log format depends on it; a test that wants it sets it
        builder.environment().remove("JOURNAL_STREAM");
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** What a process started by {@link #start} printed so far. */
    public String log(String command) {
        try {
            return Files.readString(root.resolve(command + ".log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a signal, as {@code kill -HUP} or systemd would. */
    public static void signal(Process process, String name) throws IOException,
            InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** SIGTERM, then the exit code; kills and fails after a minute. */
    public static int terminate(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Returns once {@code condition} holds; fails naming {@code what} at the deadline. */
    public static void poll(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("waited " + deadline.toSeconds() + " s for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** Surefire may hide the class path in a manifest-only jar; it names the real one here. */
    public static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank()
                ? surefire : System.getProperty("java.class.path");
    }
}
