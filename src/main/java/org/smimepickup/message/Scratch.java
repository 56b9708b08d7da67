package org.smimepickup.message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scratch files for one message whose intermediate forms are too large to hold in memory,
 * deleted together when the message is done. Hidden names, so no spool scan ever takes them.
 * Not thread-safe: one message, one worker.
 */
public final class Scratch implements AutoCloseable {
    private final Path dir;
    private final String prefix;
    private final List<Path> files = new ArrayList<>();

    public Scratch(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    /** A new empty file, mode 0600 (it may hold plaintext). */
    public Path newFile() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("." + prefix + "-" + files.size() + ".scratch");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        files.add(file);
        return file;
    }

    @Override
    public void close() {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover in tmp/ is only disk space; the next start does not read it
            }
        }
        files.clear();
    }
}
