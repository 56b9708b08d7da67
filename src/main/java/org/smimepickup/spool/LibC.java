package org.smimepickup.spool;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few Linux calls Java does not offer: {@code flock(2)}, which a shell producer's
 * {@code flock(1)} uses and which Java's fcntl-based {@code FileLock} cannot see, and
 * {@code renameat2(RENAME_NOREPLACE)}, an atomic rename that never overwrites.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int O_RDONLY = 0;
    int O_NONBLOCK = 04000;
    int O_NOFOLLOW = 0400000;
    int O_CLOEXEC = 02000000;
    int LOCK_SH = 1;
    int LOCK_EX = 2;
    int LOCK_NB = 4;
    int AT_FDCWD = -100;
    int RENAME_NOREPLACE = 1;
    int EEXIST = 17;
    int ENOENT = 2;
    int EWOULDBLOCK = 11;
    int EINVAL = 22;
    int ENOSYS = 38;
    int ELOOP = 40;

    int open(String path, int flags) throws LastErrorException;

    int flock(int fd, int operation) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags)
            throws LastErrorException;
}
