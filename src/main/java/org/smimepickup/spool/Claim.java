package org.smimepickup.spool;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file this process has taken into {@code work/}. While open it holds an exclusive flock on
 * the file, so that another daemon's start-up recovery leaves it alone. Close it after the file
 * has been settled. Not thread-safe: one worker owns a claim.
 */
public final class Claim implements AutoCloseable {
    /** Largest single read: a heap read goes through a direct buffer of its size. */
    private static final int CHUNK = 1 << 20;
    private final Path path;
    private final int fd;
    private final FileChannel content;
    private final BasicFileAttributes attributes;

    /** {@code content} reads the locked descriptor {@code fd}; both null/-1 for non-files. */
    Claim(Path path, int fd, FileChannel content, BasicFileAttributes attributes) {
        this.path = path;
        this.fd = fd;
        this.content = content;
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
        // one array of the expected size; the file may still have grown since it was looked at
        byte[] data = new byte[(int) Math.min(attributes.size(), limit + 1L)];
        int read = readFully(data, 0);
        byte[] probe = new byte[8192];
        while (read == data.length && read <= limit) {
            int extra = readFully(probe, 0);
            if (extra == 0) {
                break;
            }
            // grown: only then a bigger array, so that a large file is never held twice
            int size = (int) Math.min(limit + 1L, Math.max(read + (long) extra, read * 2L));
            data = Arrays.copyOf(data, size);
            System.arraycopy(probe, 0, data, read, Math.min(extra, size - read));
            read = Math.min(read + extra, size);
            read = readFully(data, read);
        }
        if (read > limit) {
            return null;
        }
        return read == data.length ? data : Arrays.copyOf(data, read);
    }

    /** Reads at the channel's position into {@code data} from {@code from}; returns the end. */
    private int readFully(byte[] data, int from) throws IOException {
        int at = from;
        while (at < data.length) {
            int n = content.read(ByteBuffer.wrap(data, at, Math.min(CHUNK, data.length - at)));
            if (n < 0) {
                break;
            }
            at += n;
        }
        return at;
    }

    /**
     * Sets the file's modification time to now, through the claimed descriptor (no lookup by
     * name), before it moves to {@code done/}: a rename keeps the producer's time, and the
     * retention counts from this one. Best effort: a file the daemon may not stamp (another
     * owner and no write permission for the daemon) keeps its own time and may be cleaned up
     * sooner.
     */
    public void stampSettled() {
        if (fd < 0) {
            return;
        }
        try {
            LibC.futimens(fd, null);
        } catch (LastErrorException e) {
            // nothing is lost: only the retention clock starts at the producer's time
        }
    }

    @Override
    public void close() {
        if (content != null) {
            try {
                content.close();
            } catch (IOException ignored) {
                // a read-only descriptor: closing it cannot lose data
            }
        }
        if (fd >= 0) {
            LibC.close(fd);
        }
    }
}
