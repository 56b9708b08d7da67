package org.smimepickup.spool;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The few Linux calls Java does not offer: {@code flock(2)}, which a shell producer's
 * {@code flock(1)} uses and which Java's fcntl-based {@code FileLock} cannot see, and
 * {@code renameat2(RENAME_NOREPLACE)}, an atomic rename that never overwrites.
 */
final class LibC {
    // direct mapping: called several times per message, and the proxy of an interface mapping
    // converts every argument by reflection
    static {
        Native.register(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 04000;
    static final int O_NOFOLLOW = 0400000;
    static final int O_CLOEXEC = 02000000;
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int AT_FDCWD = -100;
    static final int RENAME_NOREPLACE = 1;
    static final int EEXIST = 17;
    static final int ENOENT = 2;
    static final int EWOULDBLOCK = 11;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int ELOOP = 40;

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int flock(int fd, int operation) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    /**
     * {@code times} null sets both times to now, which write permission allows (explicit times,
     * or one of them left alone, need the owner); it also spares us the platform's timespec.
     */
    static native int futimens(int fd, long[] times) throws LastErrorException;

    static native int renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath,
            int flags) throws LastErrorException;
}
