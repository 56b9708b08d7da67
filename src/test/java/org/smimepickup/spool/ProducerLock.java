package org.smimepickup.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A lock on a file held by another process, the way producers hold one: {@code flock(1)} from a
 * shell script, or an fcntl lock from a program. The holder waits on its standard input;
 * {@link #close()} closes it, which ends the holder and releases the lock.
 */
final class ProducerLock implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final Process holder;

    private ProducerLock(Process holder) {
        this.holder = holder;
    }

    /** {@code flock FILE cat}: returns once the lock is seen from outside. */
    static ProducerLock flock(Path file) throws IOException {
        ProducerLock lock = new ProducerLock(new ProcessBuilder("flock", file.toString(), "cat")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        Eventually.until(DEADLINE, "flock(1) to hold " + file,
                () -> lock.isAlive() && isFlocked(file));
        return lock;
    }

    /** An fcntl (POSIX) write lock taken by python3; returns once it says it holds it. */
    static ProducerLock fcntl(Path file) throws IOException {
        String script = "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'r+')\n"
                + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "print('locked', flush=True)\n"
                + "sys.stdin.read()\n";
        ProducerLock lock = new ProducerLock(
                new ProcessBuilder("python3", "-c", script, file.toString()).start());
        BufferedReader out = new BufferedReader(
                new InputStreamReader(lock.holder.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(out.readLine()).as("python3 reports the fcntl lock").isEqualTo("locked");
        return lock;
    }

    /** True when another process holds an flock on the file: {@code flock -n} cannot get it. */
    static boolean isFlocked(Path file) {
        try {
            Process probe = new ProcessBuilder("flock", "-n", file.toString(), "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return probe.waitFor() != 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run flock(1)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isAlive() {
        return holder.isAlive();
    }

    /** Ends the holder by closing its input, and waits until it has exited. */
    @Override
    public void close() throws IOException {
        holder.getOutputStream().close();
        try {
            if (!holder.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            holder.destroyForcibly();
        }
    }
}
