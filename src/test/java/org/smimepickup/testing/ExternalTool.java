package org.smimepickup.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs an outside program (openssl, gpgsm, cmsutil...) and collects its exit code and output.
 * A program that is not installed fails the test with a message saying what to install: the
 * checks these tools make must never be skipped silently.
 */
public final class ExternalTool {
    private static final long TIMEOUT_SECONDS = 60;
    // not the common pool: with two CPUs it has one thread, and stdout and stderr must be
    // drained at the same time or a chatty program blocks
    private static final ExecutorService DRAINS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "tool-output");
        thread.setDaemon(true);
        return thread;
    });

    /** What a finished program left behind. */
    public record Result(List<String> command, int exit, byte[] stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The last line of stderr (or stdout), for short failure messages. */
        public String lastWords() {
            String text = stderr.isBlank() ? stdoutText() : stderr;
            String[] lines = text.strip().split("\n");
            return String.join(" ", command.subList(0, Math.min(2, command.size()))) + " exit "
                    + exit + ": " + lines[lines.length - 1];
        }
    }

    private ExternalTool() {
    }

    /** Fails the calling test when {@code program} is not on the PATH. */
    public static void require(String program, String installHint) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        fail(program + " is not installed but these tests check the output with it: "
                + installHint + " (see .ci/run)");
    }

    public static Result run(List<String> command) {
        return run(command, null, Map.of());
    }

    /** Runs {@code command} with {@code stdin} (may be null) and extra environment variables. */
    public static Result run(List<String> command, byte[] stdin, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), out.join(),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    /** Like {@link #run(List)} but fails the test when the program exits non-zero. */
    public static Result check(String... command) {
        Result result = run(List.of(command));
        if (!result.ok()) {
            fail(result.lastWords());
        }
        return result;
    }

    public static List<String> args(String... parts) {
        return new ArrayList<>(List.of(parts));
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, DRAINS);
    }
}
