package org.smimepickup.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smimepickup.config.Config;
import org.smimepickup.spool.RetryState;
import org.smimepickup.spool.Spool;

/**
 * A snapshot of the spool for {@code status}: files per folder, the oldest waiting files, the
 * latest failures with their reasons, and the certificates that expire first. Reads only; the
 * daemon may move files meanwhile, so the figures are as of a moment, not a transaction.
 */
public record SpoolStatus(Map<String, Integer> counts, Duration oldestInbox,
        Duration oldestDeferred, List<Failure> lastFailures, List<Failure> deferredReasons,
        List<Preflight.Expiry> expiries) {

    /** A file in {@code failed/}, when it got there, and the first line of its reason. */
    public record Failure(String name, Instant when, String reason) {
    }

    /** How many failures and expiries a snapshot keeps. */
    static final int LIMIT = 10;

    /** Takes the snapshot; a missing folder counts as empty. */
    public static SpoolStatus of(Config config) throws IOException {
        Spool spool = new Spool(config.spoolDir());
        Map<String, Integer> counts = new LinkedHashMap<>();
        Instant now = Instant.now();
        List<Path> inbox = messages(spool, spool.inbox());
        List<Path> deferred = messages(spool, spool.deferred());
        List<Path> failed = messages(spool, spool.failed());
        counts.put("inbox", inbox.size());
        counts.put("work", messages(spool, spool.work()).size());
        counts.put("deferred", deferred.size());
        counts.put("failed", failed.size());
        counts.put("done", messages(spool, spool.done()).size());

        List<Preflight.Expiry> expiries = Preflight.expiries(config);
        return new SpoolStatus(counts, oldest(inbox, now), oldest(deferred, now),
                lastFailures(failed), deferredReasons(deferred),
                expiries.subList(0, Math.min(LIMIT, expiries.size())));
    }

    /** The message files of a folder: no hidden files, no sub-folders, no reason files. */
    static List<Path> messages(Spool spool, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        for (String name : spool.list(dir)) {
            if (!isReasonFile(dir, name)) {
                files.add(dir.resolve(name));
            }
        }
        return files;
    }

    /** {@code X.reason} beside a failed {@code X}; a message may itself end in ".reason". */
    static boolean isReasonFile(Path dir, String name) {
        return name.endsWith(".reason") && Files.exists(dir.resolve(
                name.substring(0, name.length() - ".reason".length())), LinkOption.NOFOLLOW_LINKS);
    }

    private static Duration oldest(List<Path> files, Instant now) {
        Instant oldest = null;
        for (Path file : files) {
            Instant modified = modified(file);
            if (modified != null && (oldest == null || modified.isBefore(oldest))) {
                oldest = modified;
            }
        }
        return oldest == null ? null : Duration.between(oldest, now);
    }

    private static List<Failure> lastFailures(List<Path> failed) {
        List<Failure> all = new ArrayList<>();
        for (Path file : failed) {
            Instant when = modified(file.resolveSibling(file.getFileName() + ".reason"));
            all.add(new Failure(file.getFileName().toString(), when != null ? when
                    : modified(file), reason(file)));
        }
        all.removeIf(f -> f.when() == null);
        all.sort(Comparator.comparing(Failure::when).reversed());
        return all.subList(0, Math.min(LIMIT, all.size()));
    }

    /** Why files wait in deferred/, from their retry schedules; oldest first failure first. */
    private static List<Failure> deferredReasons(List<Path> deferred) throws IOException {
        List<Failure> all = new ArrayList<>();
        for (Path file : deferred) {
            RetryState state = RetryState.load(file);
            if (state != null) {
                all.add(new Failure(file.getFileName().toString(),
                        Instant.ofEpochMilli(state.firstFailureMillis()), state.lastReason()));
            }
        }
        all.sort(Comparator.comparing(Failure::when));
        return all.subList(0, Math.min(LIMIT, all.size()));
    }

    private static String reason(Path failedFile) {
        try {
            String text = Files.readString(failedFile.resolveSibling(failedFile.getFileName()
                    + ".reason"), StandardCharsets.UTF_8);
            return text.lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "(no reason file)";
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            // moved by the daemon meanwhile: not counted in the ages
            return null;
        }
    }
}
