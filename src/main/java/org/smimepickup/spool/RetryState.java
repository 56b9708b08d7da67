package org.smimepickup.spool;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How often a deferred message was tried and when it is due again. Kept beside it in
 * {@code deferred/} as a hidden file, so a restart keeps the schedule.
 */
public record RetryState(long firstFailureMillis, int attempts, long nextAttemptMillis,
        String lastReason) {

    public static Path fileFor(Path deferredFile) {
        return deferredFile.resolveSibling("." + deferredFile.getFileName() + ".retry");
    }

    /** The state stored beside a deferred file, or null when there is none. */
    public static RetryState load(Path deferredFile) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(fileFor(deferredFile), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return new RetryState(Long.parseLong(p.getProperty("first", "0")),
                    Integer.parseInt(p.getProperty("attempts", "1")),
                    Long.parseLong(p.getProperty("next", "0")), p.getProperty("reason", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    void save(Path deferredFile) throws IOException {
        Properties p = new Properties();
        p.setProperty("first", Long.toString(firstFailureMillis));
        p.setProperty("attempts", Integer.toString(attempts));
        p.setProperty("next", Long.toString(nextAttemptMillis));
        p.setProperty("reason", lastReason);
        StringWriter text = new StringWriter();
        p.store(text, null);
        Path state = fileFor(deferredFile);
        Path partial = state.resolveSibling(state.getFileName() + ".tmp");
        Files.writeString(partial, text.toString(), StandardCharsets.UTF_8);
        Files.move(partial, state, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The state after one more temporary failure, with capped exponential backoff. */
    public static RetryState next(RetryState previous, String reason, long now, long firstDelay,
            long maxDelay) {
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        long first = previous == null ? now : previous.firstFailureMillis();
        long delay = firstDelay << Math.min(attempts - 1, 20);
        return new RetryState(first, attempts, now + Math.min(delay, maxDelay), reason);
    }
}
