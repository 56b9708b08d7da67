package org.smimepickup.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.smimepickup.spool.Spool;

/**
 * Removes files from {@code done/} once they have been there longer than
 * {@code done.retention.days}. A file's age there is its modification time, which
 * {@link org.smimepickup.spool.Claim#stampSettled} sets as it moves in: a rename keeps the
 * producer's time, and an old input finished today must not vanish at the next clean-up.
 */
final class DoneRetention {
    private DoneRetention() {
    }

    /**
     * Deletes the message files of {@code done/} last modified before {@code now - keep};
     * returns how many went. Hidden and sub-folder entries are left alone.
     */
    static int clean(Spool spool, Duration keep, Instant now) throws IOException {
        FileTime cutoff = FileTime.from(now.minus(keep));
        int removed = 0;
        for (String name : spool.list(spool.done())) {
            Path file = spool.done().resolve(name);
            try {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                                .compareTo(cutoff) < 0) {
                    Files.delete(file);
                    removed++;
                }
            } catch (NoSuchFileException e) {
                // removed by someone else meanwhile (an operator, a second daemon)
            }
        }
        return removed;
    }
}
