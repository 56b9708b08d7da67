package org.smimepickup.deliver;

import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.smimepickup.failure.TemporaryFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.Envelope;

/**
 * Hands a message to PowerMTA through its pickup folder: envelope lines then the message, CRLF,
 * no dot stuffing, written in a staging folder on the same filesystem, fsync'd, renamed in, and
 * the folder fsync'd, so PowerMTA never sees a partial file and a crash never loses a finished
 * one. Thread-safe.
 */
public final class PickupWriter {
    private final Path pickup;
    private final Path staging;
    private final Set<PosixFilePermission> mode;
    private final DirectorySync pickupSync;
    private final String group;
    private volatile Boolean umaskFilters;
    private volatile GroupPrincipal groupPrincipal;

    public PickupWriter(Path pickup, Path staging, Set<PosixFilePermission> mode) {
        this(pickup, staging, mode, null);
    }

    /** As above; pickup files also get {@code group} (null or empty: the process's group). */
    public PickupWriter(Path pickup, Path staging, Set<PosixFilePermission> mode, String group) {
        this.pickup = pickup;
        this.staging = staging;
        this.mode = mode;
        this.pickupSync = new DirectorySync(pickup);
        this.group = group == null || group.isBlank() ? null : group.strip();
    }

    /**
     * Checks that both folders exist (creating staging) and share a filesystem; a rename
     * between filesystems would not be atomic. Returns a problem to fix, or null.
     */
    public String check() {
        try {
            Files.createDirectories(staging);
            if (!Files.isDirectory(pickup)) {
                return "pickup.dir " + pickup + " does not exist";
            }
            FileStore pickupStore = Files.getFileStore(pickup);
            FileStore stagingStore = Files.getFileStore(staging);
            if (!pickupStore.equals(stagingStore)) {
                return "pickup.staging.dir " + staging + " is on " + stagingStore
                        + " but pickup.dir " + pickup + " is on " + pickupStore
                        + "; put staging on the pickup filesystem";
            }
            removeLeftovers();
            return checkGroup();
        } catch (IOException e) {
            return "cannot use pickup.staging.dir " + staging + ": " + e.getMessage();
        }
    }

    /**
     * Deletes staged files a killed run left behind: their inputs are still in work/ and are
     * processed again. Only files older than an hour, so a second daemon's writes are safe.
     */
    private void removeLeftovers() throws IOException {
        long before = System.currentTimeMillis() - 3_600_000;
        try (var files = Files.newDirectoryStream(staging, "*.eml")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toMillis() < before) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Gives a probe file in staging the output group: a group we may not use shows now. */
    private String checkGroup() {
        if (group == null) {
            return null;
        }
        Path probe = staging.resolve(".group-probe-" + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            setGroup(probe);
            return null;
        } catch (IOException e) {
            return "output.group " + group + ": cannot give files this group (" + e + ");"
                    + " name an existing group the daemon's user belongs to";
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a leftover probe in staging is harmless
            }
        }
    }

    private void setGroup(Path file) throws IOException {
        GroupPrincipal principal = groupPrincipal;
        if (principal == null) {
            // looked up once: a group lookup per file would ask NSS for every message
            principal = file.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(group);
            groupPrincipal = principal;
        }
        Files.setAttribute(file, "posix:group", principal, LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes the pickup file {@code <id>.eml}; returns its final path. */
    public Path write(Envelope envelope, byte[] header, Body entity, String id)
            throws TemporaryFailure {
        String name = id + ".eml";
        Path staged = staging.resolve(name);
        Path target = pickup.resolve(name);
        try {
            writeDurably(staged, Body.of(envelopeLines(envelope)), Body.of(header), entity);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            pickupSync.sync();
            return target;
        } catch (IOException e) {
            deleteQuietly(staged);
            throw new TemporaryFailure("cannot write to the pickup folder " + pickup + ": "
                    + e.getMessage(), e);
        }
    }

    private void writeDurably(Path file, Body... pieces) throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(mode))) {
            // mode and group before the data, so that the one sync below covers them too
            boolean chmod = umaskFiltersMode(file);
            if (chmod) {
                Files.setPosixFilePermissions(file, mode);
            }
            if (group != null) {
                setGroup(file);
            }
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel),
                    1 << 16);
            for (Body piece : pieces) {
                piece.writeTo(out);
            }
            out.flush();
            // data and size are what a reader needs, and fdatasync skips the rest of the
            // inode; a changed mode or group must last too, or PowerMTA may not read the file
            channel.force(chmod || group != null);
        }
    }

    /**
     * Whether the process's umask takes bits off the configured mode at creation. Looked at on
     * the first file only: the umask is the process's and does not change while it runs.
     */
    private boolean umaskFiltersMode(Path created) throws IOException {
        Boolean filters = umaskFilters;
        if (filters == null) {
            filters = !Files.getPosixFilePermissions(created).equals(mode);
            umaskFilters = filters;
        }
        return filters;
    }

    public static byte[] envelopeLines(Envelope envelope) {
        StringBuilder lines = new StringBuilder(64 + 40 * envelope.recipients().size());
        lines.append("x-sender: ").append(envelope.sender()).append("\r\n");
        for (String recipient : envelope.recipients()) {
            lines.append("x-receiver: ").append(recipient).append("\r\n");
        }
        for (String extra : envelope.extras()) {
            lines.append(extra).append("\r\n");
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a staging leftover is harmless: PowerMTA never reads the staging folder
        }
    }
}
