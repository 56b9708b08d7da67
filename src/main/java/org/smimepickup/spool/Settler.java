package org.smimepickup.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts a worked-on file where its outcome says: {@code done/}, {@code failed/} with a
 * {@code NAME.reason} beside it, or {@code deferred/} with its retry schedule. The reason is
 * written before the file moves, so a failed file never lacks one.
 */
public final class Settler {
    private final Spool spool;

    public Settler(Spool spool) {
        this.spool = spool;
    }

    public Path done(Path workFile, String spoolId) throws IOException {
        return Spool.moveInto(workFile, spool.done(), spoolId);
    }

    public Path failed(Path workFile, String spoolId, String reason) throws IOException {
        String text = reason + "\n\nspool id " + spoolId + "; after fixing the cause, try again"
                + " with: smime-pickup requeue " + workFile.getFileName() + "\n";
        Path partial = spool.tmp().resolve("." + spoolId + ".reason.tmp");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        String name = workFile.getFileName().toString();
        // both moves refuse to replace, so two daemons failing one name never mix reasons
        for (int n = 0; n < 100; n++) {
            Path target = spool.failed().resolve(n == 0 ? name
                    : name + "." + spoolId + (n == 1 ? "" : "-" + n));
            Path reasonFile = target.resolveSibling(target.getFileName() + ".reason");
            if (Files.exists(target) || !Spool.moveNoReplace(partial, reasonFile)) {
                continue;
            }
            if (Spool.moveNoReplace(workFile, target)) {
                return target;
            }
            if (!Files.exists(workFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot move " + workFile + " to failed/: it is gone");
            }
            Files.deleteIfExists(reasonFile);
            Files.writeString(partial, text, StandardCharsets.UTF_8);
        }
        Files.deleteIfExists(partial);
        throw new IOException("no free name for " + name + " in " + spool.failed());
    }

    public Path deferred(Path workFile, String spoolId, RetryState state) throws IOException {
        Path target = freeName(spool.deferred(), workFile.getFileName().toString(), spoolId);
        state.save(target);
        if (!Spool.moveNoReplace(workFile, target)) {
            throw new IOException("cannot move " + workFile + " to " + target);
        }
        return target;
    }

    /** The name in {@code dir} for a file: its own, or with the spool id when taken. */
    private static Path freeName(Path dir, String name, String spoolId) {
        Path target = dir.resolve(name);
        if (Files.exists(target) || Files.exists(dir.resolve(name + ".reason"))) {
            target = dir.resolve(name + "." + spoolId);
        }
        return target;
    }
}
