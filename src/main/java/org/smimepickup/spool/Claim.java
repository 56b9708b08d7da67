package org.smimepickup.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file this process has taken into {@code work/}. While open it holds an exclusive flock on
 * the file, so that another daemon's start-up recovery leaves it alone. Close it after the file
 * has been settled. Not thread-safe: one worker owns a claim.
 */
public final class Claim implements AutoCloseable {
    private final Path path;
    private final int fd;
    private final BasicFileAttributes attributes;

    Claim(Path path, int fd, BasicFileAttributes attributes) {
        this.path = path;
        this.fd = fd;
        this.attributes = attributes;
    }

    public Path path() {
        return path;
    }

    public String name() {
        return path.getFileName().toString();
    }

    /** False for symlinks, FIFOs, sockets and devices: claimed only to be refused. */
    public boolean isRegularFile() {
        return fd >= 0;
    }

    /** What kind of entry a non-regular file is, for the reason. */
    public String kind() {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return attributes.isOther() ? "a FIFO, socket or device" : "not a regular file";
    }

    public long size() {
        return attributes.size();
    }

    /**
     * The file's bytes, read through the descriptor that was claimed (never a path that could
     * have been swapped), or null when it holds more than {@code limit} bytes.
     */
    public byte[] read(int limit) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/fd/" + fd))) {
            // one array of the expected size: readNBytes(limit) would hold the file twice
            long expected = Math.min(attributes.size(), limit + 1L);
            byte[] data = new byte[(int) expected];
            int read = in.readNBytes(data, 0, data.length);
            if (read == data.length && read <= limit) {
                byte[] more = in.readNBytes(limit + 1 - read);
                if (more.length > 0) {
                    data = java.util.Arrays.copyOf(data, read + more.length);
                    System.arraycopy(more, 0, data, read, more.length);
                    read = data.length;
                }
            }
            if (read > limit) {
                return null;
            }
            return read == data.length ? data : java.util.Arrays.copyOf(data, read);
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}
