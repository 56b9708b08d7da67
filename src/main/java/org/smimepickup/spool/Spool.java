package org.smimepickup.spool;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.tinylog.Logger;

/**
 * The spool folders and the moves between them. The inbox is the spool folder itself;
 * {@code work/}, {@code done/}, {@code failed/}, {@code deferred/} and {@code tmp/} live inside
 * it, on one filesystem, so every move is an atomic rename. A move never overwrites: a name
 * already taken gets a suffix. Thread-safe; safe against a second daemon on the same spool.
 */
public final class Spool {
    /**
     * Null when the libc calls the spool needs (flock, renameat2) can be made; otherwise why not,
     * for the start-up checks: without them no file can be claimed safely.
     */
    public static String nativeProblem() {
        try {
            LibC.close(-1);
            return null;
        } catch (LastErrorException expected) {
            // EBADF: the call went through
            return null;
        } catch (LinkageError e) {
            return "JNA cannot load its native code (" + e.getMessage() + "); it needs a temp"
                    + " folder it may execute from (JNA's jna.tmpdir, default ~/.cache/JNA)";
        }
    }

    private final Path inbox;
    private final Path work;
    private final Path done;
    private final Path failed;
    private final Path deferred;
    private final Path tmp;

    public Spool(Path inbox) {
        this.inbox = inbox;
        this.work = inbox.resolve("work");
        this.done = inbox.resolve("done");
        this.failed = inbox.resolve("failed");
        this.deferred = inbox.resolve("deferred");
        this.tmp = inbox.resolve("tmp");
    }

    /** Creates the folders that are missing. */
    public void prepare() throws IOException {
        for (Path dir : List.of(inbox, work, done, failed, deferred, tmp)) {
            Files.createDirectories(dir);
        }
        removeStaleScratch();
    }

    /**
     * Scratch files (encrypted forms of large messages) that a killed run left in tmp/: their
     * inputs are back in the inbox, so they are only disk space. An hour old at least, so a
     * second daemon's scratch files in use are left alone.
     */
    private void removeStaleScratch() throws IOException {
        long before = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, ".*.scratch")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis()
                        < before) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public Path inbox() {
        return inbox;
    }

    public Path work() {
        return work;
    }

    public Path done() {
        return done;
    }

    public Path failed() {
        return failed;
    }

    public Path deferred() {
        return deferred;
    }

    public Path tmp() {
        return tmp;
    }

    /**
     * Puts a new file into the inbox the safe way: written in {@code tmp/} under a hidden name,
     * fsync'd, then renamed in under {@code name} (or {@code name} plus a suffix when taken).
     * Returns where it landed.
     */
    public Path accept(String name, InputStream... pieces) throws IOException {
        Path partial = tmp.resolve("." + java.util.UUID.randomUUID() + ".tmp");
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            OutputStream sink = Channels.newOutputStream(channel);
            for (InputStream piece : pieces) {
                piece.transferTo(sink);
            }
            sink.flush();
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        return moveInto(partial, inbox, Long.toString(System.nanoTime(), 36), name);
    }

    /** Names a producer is still writing or that are not messages: never touched. */
    public static boolean isIgnored(String name) {
        return name.startsWith(".") || name.endsWith(".tmp");
    }

    /**
     * Names of the entries in a folder that may be messages, sub-folders excluded. An entry whose
     * name does not survive decoding (bytes that are not valid in the file name encoding, such
     * as Latin-1 names under UTF-8) could never be opened by name: it is renamed to a printable
     * name first, so that it is processed instead of lying in the inbox for ever.
     */
    public List<String> list(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (isIgnored(name) || Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!dir.resolve(name).equals(entry)) {
                    name = renameUndecodable(entry);
                }
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /**
     * Renames an entry whose name has undecodable bytes to its printable ASCII form; returns the
     * new name, or null when the entry is gone (another daemon renamed it first: a rename
     * cannot take the same source twice).
     */
    private static String renameUndecodable(Path entry) throws IOException {
        StringBuilder printable = new StringBuilder();
        entry.getFileName().toString().codePoints().forEach(c -> printable.appendCodePoint(
                c > 0x20 && c < 0x7f && c != '/' ? c : '_'));
        for (int n = 0; n < 100; n++) {
            Path target = entry.resolveSibling(printable + (n == 0 ? "" : "." + n));
            try {
                // without REPLACE_EXISTING: never replaces a file already there
                Files.move(entry, target);
                Logger.warn("renamed \"{}\" in {} to \"{}\": its name is not valid in the file"
                        + " name encoding ({})", printable, entry.getParent(),
                        target.getFileName(), System.getProperty("sun.jnu.encoding"));
                return target.getFileName().toString();
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (NoSuchFileException e) {
                return null;
            }
        }
        throw new IOException("no free printable name for " + printable + " in "
                + entry.getParent());
    }

    /**
     * Claims {@code dir/name} into {@code work/}: succeeds for exactly one caller, and never
     * while the producer holds an flock or fcntl lock on the file. The returned claim holds an
     * exclusive flock on the file until it is closed, which tells a second daemon's recovery that
     * the file is in progress. Returns null when the file is gone, locked, or a same-named file
     * is already being worked on. Entries that are not regular files are claimed too, without
     * being opened, so that the caller can refuse them.
     */
    public Claim claim(Path dir, String name, boolean requireSettled) throws IOException {
        Path source = dir.resolve(name);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(source, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        Path target = work.resolve(name);
        if (!attributes.isRegularFile()) {
            return moveNoReplace(source, target) ? new Claim(target, -1, null, attributes)
                    : null;
        }
        if (requireSettled && attributes.size() == 0
                && System.currentTimeMillis() - attributes.lastModifiedTime().toMillis() < 5000) {
            // flock(1) creates the file before it takes the lock: wait for content
            return null;
        }
        int fd = lockedOpen(source);
        if (fd < 0) {
            return null;
        }
        FileChannel content = null;
        boolean claimed = false;
        try {
            // one channel on the locked descriptor, for the lock test and then for the reading
            content = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.READ);
            claimed = !isFcntlLocked(content) && moveNoReplace(source, target);
        } finally {
            if (!claimed) {
                closeQuietly(content);
                LibC.close(fd);
            }
        }
        return claimed ? new Claim(target, fd, content, attributes) : null;
    }

    /**
     * Moves files left in {@code work/} by a crashed run back to the inbox. Files another live
     * daemon is working on are locked and left alone. Returns how many were recovered.
     */
    public int recoverWork() throws IOException {
        int recovered = 0;
        for (String name : list(work)) {
            Path file = work.resolve(name);
            int fd = lockedOpen(file);
            if (fd < 0 && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                moveInto(file, inbox, "recovered");
                recovered++;
            } finally {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
        return recovered;
    }

    /** Opens without following links and takes an exclusive flock; -1 when either fails. */
    private static int lockedOpen(Path file) {
        int fd;
        try {
            fd = LibC.open(file.toString(),
                    LibC.O_RDONLY | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            return -1;
        }
        try {
            LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB);
            return fd;
        } catch (LastErrorException e) {
            LibC.close(fd);
            return -1;
        }
    }

    /** True when another process holds an fcntl (POSIX) write lock on the open file. */
    private static boolean isFcntlLocked(FileChannel channel) {
        try {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }

    /**
     * Atomic rename that fails instead of replacing an existing target. Returns false when the
     * source is gone or the target exists.
     */
    public static boolean moveNoReplace(Path source, Path target) throws IOException {
        try {
            LibC.renameat2(LibC.AT_FDCWD, source.toString(), LibC.AT_FDCWD,
                    target.toString(), LibC.RENAME_NOREPLACE);
            return true;
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == LibC.EEXIST || errno == LibC.ENOENT) {
                return false;
            }
            if (errno != LibC.EINVAL && errno != LibC.ENOSYS) {
                throw new IOException("rename " + source + " -> " + target + ": errno " + errno);
            }
        }
        return linkThenUnlink(source, target);
    }

    /** For filesystems without RENAME_NOREPLACE: a hard link cannot replace either. */
    private static boolean linkThenUnlink(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            return false;
        }
        Files.deleteIfExists(source);
        return true;
    }

    /**
     * Moves {@code source} into {@code dir}, under its own name or, when that is taken, the name
     * with {@code .suffix} (and a counter). Returns where it went.
     */
    public static Path moveInto(Path source, Path dir, String suffix) throws IOException {
        return moveInto(source, dir, suffix, source.getFileName().toString());
    }

    /** As {@link #moveInto(Path, Path, String)}, under another name. */
    public static Path moveInto(Path source, Path dir, String suffix, String name)
            throws IOException {
        Path target = dir.resolve(name);
        for (int n = 0; !moveNoReplace(source, target); n++) {
            if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(source.toString());
            }
            target = dir.resolve(name + "." + suffix + (n == 0 ? "" : "-" + n));
        }
        return target;
    }
}
