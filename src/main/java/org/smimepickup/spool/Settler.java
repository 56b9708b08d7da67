package org.smimepickup.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        Path target = freeName(spool.failed(), workFile.getFileName().toString(), spoolId);
        String text = reason + "\n\nspool id " + spoolId + "; after fixing the cause, move the"
                + " file back into the inbox to try again.\n";
        Path reasonFile = target.resolveSibling(target.getFileName() + ".reason");
        Path partial = spool.tmp().resolve("." + spoolId + ".reason.tmp");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, reasonFile, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        if (!Spool.moveNoReplace(workFile, target)) {
            throw new IOException("cannot move " + workFile + " to " + target);
        }
        return target;
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
