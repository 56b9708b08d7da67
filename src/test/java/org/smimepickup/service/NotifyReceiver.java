package org.smimepickup.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The systemd side of {@code sd_notify} for tests: an {@code AF_UNIX} datagram socket bound to a
 * path or an abstract name ({@code @name}), made through JNA because Java 17 cannot bind one.
 * Collects every datagram it receives.
 */
public final class NotifyReceiver implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final short POLLIN = 1;

    private final String name;
    private final int fd;
    private final List<String> received = new ArrayList<>();

    interface Sockets extends Library {
        Sockets LIBC = Native.load("c", Sockets.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] address, int length) throws LastErrorException;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags)
                throws LastErrorException;

        int poll(byte[] fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** Binds {@code name}: a file path, or {@code @name} in the abstract namespace. */
    public NotifyReceiver(String name) {
        this.name = name;
        this.fd = Sockets.LIBC.socket(AF_UNIX, SOCK_DGRAM, 0);
        byte[] address = SystemdNotifier.sockaddr(name);
        Sockets.LIBC.bind(fd, address, address.length);
    }

    /** What to put in {@code NOTIFY_SOCKET}. */
    public String name() {
        return name;
    }

    /** Every datagram so far, in order. */
    public synchronized List<String> received() {
        return List.copyOf(received);
    }

    /**
     * Waits for a datagram with a line that starts with {@code prefix} and returns that line;
     * fails with everything received when the deadline passes.
     */
    public String await(String prefix, Duration deadline) {
        return awaitAfter(null, prefix, deadline);
    }

    /**
     * As {@link #await}, but only in datagrams after the last one that holds a line starting
     * with {@code after} (all of them when null).
     */
    public String awaitAfter(String after, String prefix, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            List<String> now = received();
            String found = find(now, after, prefix);
            if (found != null) {
                return found;
            }
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("no '" + prefix + "'" + (after == null ? ""
                        : " after '" + after + "'") + " within " + deadline + "; received "
                        + now);
            }
            receive((int) Math.min(left, 200));
        }
    }

    private static String find(List<String> datagrams, String after, String prefix) {
        int from = 0;
        for (int i = 0; after != null && i < datagrams.size(); i++) {
            if (lineStarting(datagrams.get(i), after) != null) {
                from = i + 1;
            }
        }
        if (after != null && from == 0) {
            return null;
        }
        for (int i = from; i < datagrams.size(); i++) {
            String line = lineStarting(datagrams.get(i), prefix);
            if (line != null) {
                return line;
            }
        }
        return null;
    }

    private static String lineStarting(String datagram, String prefix) {
        for (String line : datagram.split("\n")) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** Waits up to {@code millis} for one datagram and keeps it; one reader at a time. */
    private synchronized void receive(int millis) {
        byte[] pollfd = new byte[8];
        java.nio.ByteBuffer.wrap(pollfd).order(java.nio.ByteOrder.nativeOrder())
                .putInt(fd).putShort(POLLIN);
        if (Sockets.LIBC.poll(pollfd, new NativeLong(1), millis) <= 0) {
            return;
        }
        byte[] buffer = new byte[4096];
        int length = Sockets.LIBC.recv(fd, buffer, new NativeLong(buffer.length), 0).intValue();
        received.add(new String(buffer, 0, length, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        Sockets.LIBC.close(fd);
    }
}
