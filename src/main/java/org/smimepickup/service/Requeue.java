package org.smimepickup.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smimepickup.spool.RetryState;
import org.smimepickup.spool.Spool;

/**
 * Moves files from {@code failed/} or {@code deferred/} back into the inbox, for another try
 * after the operator fixed the cause. The move comes first and the {@code .reason} or retry file
 * goes after it, so that a failed file is never without its reason. Safe while the daemon runs:
 * a file it takes up meanwhile is reported as gone, not moved twice.
 */
public final class Requeue {
    private final Spool spool;

    public Requeue(Spool spool) {
        this.spool = spool;
    }

    /** Every message in {@code failed/} and {@code deferred/}. */
    public List<Path> all() throws IOException {
        List<Path> files = new ArrayList<>(SpoolStatus.messages(spool, spool.failed()));
        files.addAll(SpoolStatus.messages(spool, spool.deferred()));
        return files;
    }

    /** The failed and deferred messages whose reason contains {@code text}, in any case. */
    public List<Path> withReason(String text) throws IOException {
        String wanted = text.toLowerCase(Locale.ROOT);
        List<Path> files = new ArrayList<>();
        for (Path file : all()) {
            if (reasonOf(file).toLowerCase(Locale.ROOT).contains(wanted)) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * The spool file an argument names: a bare name is looked up in {@code failed/}, then
     * {@code deferred/}; a path must lead into one of them. Null when it names neither.
     */
    public Path resolve(String argument) {
        Path given = Path.of(argument);
        if (!argument.contains("/")) {
            for (Path dir : List.of(spool.failed(), spool.deferred())) {
                if (Files.isRegularFile(dir.resolve(argument))) {
                    return dir.resolve(argument);
                }
            }
            return null;
        }
        Path parent = given.toAbsolutePath().normalize().getParent();
        boolean inSpool = parent != null && (sameFolder(parent, spool.failed())
                || sameFolder(parent, spool.deferred()));
        return inSpool && Files.isRegularFile(given) ? given : null;
    }

    /** Moves one failed or deferred file into the inbox; returns its inbox path. */
    public Path requeue(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file + " (taken up by the daemon meanwhile?)");
        }
        // the reason and retry state go aside first: once the file is in the inbox the daemon
        // may fail or defer it again at once, under the same name, and its new reason must
        // neither be deleted here nor push the file to a new name in failed/
        List<Path[]> aside = new ArrayList<>();
        Path target;
        try {
            for (Path side : List.of(file.resolveSibling(file.getFileName() + ".reason"),
                    RetryState.fileFor(file))) {
                if (Files.exists(side, LinkOption.NOFOLLOW_LINKS)) {
                    Path hidden = side.resolveSibling("." + side.getFileName() + ".requeued");
                    Files.move(side, hidden, StandardCopyOption.REPLACE_EXISTING);
                    aside.add(new Path[] {side, hidden});
                }
            }
            target = Spool.moveInto(file, spool.inbox(), "requeued");
        } catch (IOException e) {
            // nothing moved: the reason and retry state go back beside the file
            for (Path[] moved : aside) {
                Files.move(moved[1], moved[0]);
            }
            throw e;
        }
        for (Path[] moved : aside) {
            Files.deleteIfExists(moved[1]);
        }
        return target;
    }

    /** What a failed file's {@code .reason} or a deferred file's retry state says. */
    private static String reasonOf(Path file) throws IOException {
        Path reasonFile = file.resolveSibling(file.getFileName() + ".reason");
        if (Files.exists(reasonFile)) {
            return Files.readString(reasonFile, StandardCharsets.UTF_8);
        }
        RetryState state = RetryState.load(file);
        return state == null ? "" : state.lastReason();
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
