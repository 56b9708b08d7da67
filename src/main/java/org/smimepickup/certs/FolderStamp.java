package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * Tells whether a folder's entries may have changed since it was last listed: its modification
 * time moves whenever a file is added, removed or renamed in it. Not thread-safe: the owner
 * calls it under its own lock.
 */
final class FolderStamp {
    /** What to do after a look at the folder. */
    enum Change {
        UNCHANGED, CHANGED, GONE
    }

    private final Path dir;
    private FileTime listed;
    private FileTime seen;

    FolderStamp(Path dir) {
        this.dir = dir;
    }

    /** Looks once; CHANGED and GONE both mean "list again" (GONE: with nothing to list). */
    Change look() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            listed = null;
            return Change.GONE;
        }
        seen = modified;
        return modified.equals(listed) ? Change.UNCHANGED : Change.CHANGED;
    }

    /**
     * Records that the listing made after {@link #look()} is complete. The time seen before the
     * listing is kept, so a change made during it still shows at the next look.
     */
    void listed() {
        listed = seen;
    }
}
