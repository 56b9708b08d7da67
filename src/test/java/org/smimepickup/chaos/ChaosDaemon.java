package org.smimepickup.chaos;

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
import java.util.function.BooleanSupplier;
import org.smimepickup.testing.Poll;

/**
 * The real daemon in its own JVM with a capped heap and otherwise the launcher's JVM options,
 * for fault tests: it can be killed with SIGKILL at any moment ({@link #kill()}), and its log is
 * kept in a file that survives the kill.
 */
final class ChaosDaemon implements AutoCloseable {
    static final String HEAP = "-Xmx256m";
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Process process;
    private final Path logFile;

    private ChaosDaemon(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** {@code run --config FILE} in the background. */
    static ChaosDaemon run(Path config) throws IOException {
        return start("run", config);
    }

    /** {@code once --config FILE}, waited for; returns the exit code. */
    static ChaosDaemon once(Path config) throws IOException, InterruptedException {
        ChaosDaemon daemon = start("once", config);
        if (!daemon.process.waitFor(10, TimeUnit.MINUTES)) {
            daemon.kill();
            throw new AssertionError("once did not finish in 10 minutes; log:\n" + daemon.tail());
        }
        return daemon;
    }

    private static ChaosDaemon start(String command, Path config) throws IOException {
        Path logFile = config.resolveSibling("chaos-" + RUNS.incrementAndGet() + "-" + command
                + ".log");
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+UseSerialGC", "-cp", classPath(),
                "org.smimepickup.cli.Main", command, "--config", config.toString()));
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        return new ChaosDaemon(process, logFile);
    }

    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank()
                ? surefire : System.getProperty("java.class.path");
    }

    int exit() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    String log() {
        try {
            return new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the log, for failure messages. */
    String tail() {
        String[] lines = log().split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40),
                lines.length));
    }

    /** Waits for {@code condition}; fails at once if the daemon dies meanwhile. */
    void await(Duration deadline, String what, BooleanSupplier condition) {
        Poll.until(deadline, what, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the daemon exited with " + process.exitValue()
                        + " while waiting for " + what + "; log:\n" + tail());
            }
            return condition.getAsBoolean();
        });
    }

    /** SIGKILL: no shutdown hook, no drain, files left as they are at this instant. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the graceful exit; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("no exit within 90 s of SIGTERM; log:\n" + tail());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
