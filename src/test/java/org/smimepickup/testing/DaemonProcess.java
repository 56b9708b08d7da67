package org.smimepickup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real daemon, {@code org.smimepickup.cli.Main}, in its own JVM on the test class path, as
 * the launcher starts it. Its console output (the log) goes to a file beside the config.
 */
public final class DaemonProcess {
    /** The exit status of a JVM ended by SIGTERM after its shutdown hooks ran. */
    public static final int SIGTERM_EXIT = 128 + 15;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Process process;
    private final Path logFile;

    /** A finished run: exit code and everything it printed. */
    public record Finished(int exit, String log) {
    }

    private DaemonProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** {@code once --config FILE}: drains the inbox and returns when the process exits. */
    public static Finished once(Path config) throws IOException, InterruptedException {
        DaemonProcess daemon = start("once", config);
        if (!daemon.process.waitFor(5, TimeUnit.MINUTES)) {
            daemon.process.destroyForcibly();
            throw new AssertionError("once did not finish in 5 minutes; log:\n" + daemon.log());
        }
        return new Finished(daemon.process.exitValue(), daemon.log());
    }

    /** {@code run --config FILE}: the daemon, until {@link #stop()}. */
    public static DaemonProcess run(Path config) throws IOException {
        return start("run", config);
    }

    private static DaemonProcess start(String command, Path config) throws IOException {
        Path logFile = config.resolveSibling("daemon-" + RUNS.incrementAndGet() + ".log");
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", classPath(), "org.smimepickup.cli.Main",
                command, "--config", config.toString()));
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        return new DaemonProcess(process, logFile);
    }

    /** Surefire may hide the class path in a manifest-only jar; it names the real one here. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank()
                ? surefire : System.getProperty("java.class.path");
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the log contains {@code text}, or fails the test. */
    public void awaitLog(String text, Duration deadline) {
        Poll.until(deadline, "'" + text + "' in the daemon log", () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the daemon exited with " + process.exitValue()
                        + " while we waited for '" + text + "'; log:\n" + log());
            }
            return log().contains(text);
        });
    }

    /** Sends SIGTERM (what systemd sends) and waits for the exit. */
    public Finished stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit within 60 s of SIGTERM; log:\n" + log());
        }
        return new Finished(process.exitValue(), log());
    }

    /** Last resort for a test that failed half-way: never leaves a daemon behind. */
    public void kill() {
        process.destroyForcibly();
    }
}
