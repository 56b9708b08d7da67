package org.smimepickup.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Puts a worked-on file where its outcome says: {@code done/}, {@code failed/} with a
 * {@code NAME.reason} beside it, or {@code deferred/} with its retry schedule. The reason is
 * written before the file moves, so a failed file never lacks one.
 */
public final class Settler {
    /** What a shell passes through unquoted; anything else in a hint word gets quoted. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    private final Spool spool;
    private final Path configFile;

    public Settler(Spool spool) {
        this(spool, null);
    }

    /**
     * As {@link #Settler(Spool)}; {@code configFile} (or null when unknown) goes into the requeue
     * hint of each reason, since requeue cannot find the spool without it.
     */
    public Settler(Spool spool, Path configFile) {
        this.spool = spool;
        this.configFile = configFile;
    }

    public Path done(Path workFile, String spoolId) throws IOException {
        return Spool.moveInto(workFile, spool.done(), spoolId);
    }

    public Path failed(Path workFile, String spoolId, String reason) throws IOException {
        Path partial = spool.tmp().resolve("." + spoolId + ".reason.tmp");
        String name = workFile.getFileName().toString();
        // both moves refuse to replace, so two daemons failing one name never mix reasons
        for (int n = 0; n < 100; n++) {
            Path target = spool.failed().resolve(n == 0 ? name
                    : name + "." + spoolId + (n == 1 ? "" : "-" + n));
            if (Files.exists(target)) {
                continue;
            }
            // written for each name tried: the requeue hint must name the file that is moved
            String text = reason + "\n\nspool id " + spoolId + "; after fixing the cause, try"
                    + " again with: " + requeueHint(target) + "\n";
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Path reasonFile = target.resolveSibling(target.getFileName() + ".reason");
            if (!Spool.moveNoReplace(partial, reasonFile)) {
                continue;
            }
            if (Spool.moveNoReplace(workFile, target)) {
                return target;
            }
            if (!Files.exists(workFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot move " + workFile + " to failed/: it is gone");
            }
            Files.deleteIfExists(reasonFile);
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

    /** The requeue command line for {@code file} in failed/, ready to paste into a shell. */
    private String requeueHint(Path file) {
        String config = configFile == null ? ""
                : " --config " + shellWord(configFile.toString());
        String name = file.getFileName().toString();
        // a name such as "--all" would be read as an option: the full path cannot be
        String argument = name.startsWith("-") ? file.toAbsolutePath().toString() : name;
        return "smime-pickup requeue" + config + " " + shellWord(argument);
    }

    private static String shellWord(String word) {
        if (PLAIN_WORD.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
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
