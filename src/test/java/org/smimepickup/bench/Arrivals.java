package org.smimepickup.bench;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Counts the files that arrive in a folder (created, or renamed in) from the kernel's inotify
 * queue, read directly.
 *
 * <p>Why not Java's WatchService: it reports an overflow once 512 events wait on a key, and a
 * benchmark thread that two cores' worth of busy workers keep off the CPU for a quarter of a
 * second falls that far behind. Listing a folder of thousands of files on every overflow then
 * took a fifth of the CPU from the daemon being measured. The kernel queues 16,384 events per
 * instance, which holds a whole batch. Linux only.
 */
final class Arrivals implements AutoCloseable {
    private static final int IN_CREATE = 0x100;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_Q_OVERFLOW = 0x4000;
    private static final int IN_NONBLOCK = 04000;
    private static final int IN_CLOEXEC = 02000000;
    private static final short POLLIN = 1;
    private static final short POLLERR = 8;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private final Path dir;
    private final Predicate<String> counted;
    private final int fd;
    private final Memory buffer = new Memory(1 << 16);
    private final Memory pollFd = new Memory(8);
    private long seen;
    private boolean overflowed;

    /** Starts counting the files arriving in {@code dir} whose names {@code counted} accepts. */
    Arrivals(Path dir, Predicate<String> counted) throws IOException {
        this.dir = dir;
        this.counted = counted;
        try {
            fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("inotify_init1: errno " + e.getErrorCode(), e);
        }
        try {
            inotify_add_watch(fd, dir.toString(), IN_CREATE | IN_MOVED_TO);
        } catch (LastErrorException e) {
            close(fd);
            throw new IOException("inotify_add_watch " + dir + ": errno " + e.getErrorCode(), e);
        }
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
    }

    /**
     * Waits up to {@code millis} for events; true once {@code count} files have arrived. After
     * an overflow of the kernel's queue (not seen with batches of this size) the folder is
     * listed instead.
     */
    boolean awaitAtLeast(long count, int millis) throws IOException {
        if (!overflowed) {
            pollFd.setShort(6, (short) 0);
            try {
                poll(pollFd, 1, millis);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("poll: errno " + e.getErrorCode(), e);
                }
            }
            if ((pollFd.getShort(6) & (POLLERR | POLLNVAL)) != 0) {
                // a broken descriptor would make every poll return at once: say so instead
                throw new IOException("poll on the inotify descriptor of " + dir + " failed");
            }
            drain();
        } else {
            sleep(millis);
        }
        return (overflowed ? Benchmark.countFiles(dir, counted) : seen) >= count;
    }

    /** Files counted from events so far. */
    long seen() {
        return seen;
    }

    private void drain() throws IOException {
        while (true) {
            int n;
            try {
                n = (int) read(fd, buffer, buffer.size());
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return;
                }
                throw new IOException("read on inotify: errno " + e.getErrorCode(), e);
            }
            if (n <= 0) {
                return;
            }
            ByteBuffer events = buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            while (events.remaining() >= 16) {
                events.getInt();
                int mask = events.getInt();
                events.getInt();
                int length = events.getInt();
                byte[] name = new byte[length];
                events.get(name);
                if ((mask & IN_Q_OVERFLOW) != 0) {
                    overflowed = true;
                } else if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0
                        && counted.test(nameOf(name))) {
                    seen++;
                }
            }
        }
    }

    /** The name in an event, without the NUL padding. */
    private static String nameOf(byte[] padded) {
        int end = 0;
        while (end < padded.length && padded[end] != 0) {
            end++;
        }
        return new String(padded, 0, end, StandardCharsets.UTF_8);
    }

    private static void sleep(int millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        close(fd);
    }

    private static native int inotify_init1(int flags) throws LastErrorException;

    private static native int inotify_add_watch(int fd, String path, int mask)
            throws LastErrorException;

    private static native long read(int fd, Memory buffer, long size) throws LastErrorException;

    private static native int poll(Memory fds, long count, int timeoutMillis)
            throws LastErrorException;

    private static native int close(int fd);
}
