package org.smimepickup.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.tinylog.Logger;

/**
 * Tells systemd how the service is doing, as {@code sd_notify(3)} does: datagrams such as
 * {@code READY=1} sent to the socket named in {@code NOTIFY_SOCKET}. Java 17 cannot open an
 * {@code AF_UNIX} datagram socket (its channels are stream-only), so the socket is made through
 * JNA. Does nothing when {@code NOTIFY_SOCKET} is unset, so the daemon runs the same way from a
 * shell. A failed send is logged once and never stops the daemon. Thread-safe.
 */
public final class SystemdNotifier implements AutoCloseable {
    private static final short AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;

    private final byte[] address;
    private final long watchdogMillis;
    private int fd = -1;
    private long lastWatchdog;
    private boolean warned;

    interface Sockets extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address,
                int addressLength) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** Loaded on first use, so that a run without systemd never touches native code. */
    private static final class Native0 {
        static final Sockets LIBC = Native.load("c", Sockets.class);
    }

    SystemdNotifier(String socket, String watchdogUsec, String watchdogPid, long pid) {
        this.address = socket == null || socket.isEmpty() ? null : sockaddr(socket);
        this.watchdogMillis = watchdogInterval(watchdogUsec, watchdogPid, pid);
    }

    /** The notifier for this process, from {@code NOTIFY_SOCKET} and {@code WATCHDOG_USEC}. */
    public static SystemdNotifier fromEnvironment() {
        return new SystemdNotifier(System.getenv("NOTIFY_SOCKET"), System.getenv("WATCHDOG_USEC"),
                System.getenv("WATCHDOG_PID"), ProcessHandle.current().pid());
    }

    /** True when systemd (or a test) listens; false makes every method a no-op. */
    public boolean enabled() {
        return address != null;
    }

    /** How often {@link #watchdogIfDue} pings: half the watchdog timeout; 0 when off. */
    public long watchdogIntervalMillis() {
        return watchdogMillis;
    }

    /** Processing has started (or resumed after a reload). */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** A free-form line that {@code systemctl status} shows. */
    public void status(String status) {
        send("STATUS=" + status);
    }

    /** A reload begins; {@link #ready} ends it. */
    public void reloading() {
        // MONOTONIC_USEC lets a newer systemd match this reload with its own request
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    /**
     * Pings the watchdog when half its timeout has passed since the last ping. Call it from the
     * loop whose liveness it vouches for, often enough (at least every quarter timeout).
     */
    public synchronized void watchdogIfDue() {
        if (watchdogMillis == 0) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        if (lastWatchdog == 0 || now - lastWatchdog >= watchdogMillis) {
            lastWatchdog = now;
            send("WATCHDOG=1");
        }
    }

    /** Sends one state datagram; false when there is no socket or the send failed. */
    synchronized boolean send(String state) {
        if (address == null) {
            return false;
        }
        byte[] text = state.getBytes(StandardCharsets.UTF_8);
        try {
            if (fd < 0) {
                fd = Native0.LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            Native0.LIBC.sendto(fd, text, new NativeLong(text.length), MSG_NOSIGNAL, address,
                    address.length);
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            if (!warned) {
                warned = true;
                Logger.warn("systemd notify: cannot send to NOTIFY_SOCKET ({}); readiness and"
                        + " watchdog pings are lost, systemd may stop the service", e.getMessage());
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Native0.LIBC.close(fd);
            fd = -1;
        }
    }

    /**
     * {@code struct sockaddr_un} for a path, or for an abstract name when it starts with
     * {@code @} (the leading byte becomes NUL and the length excludes any terminator).
     */
    static byte[] sockaddr(String socket) {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = path[0] == '@';
        if (path.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("NOTIFY_SOCKET longer than " + SUN_PATH_MAX
                    + " bytes: " + socket);
        }
        ByteBuffer sockaddr = ByteBuffer.allocate(2 + path.length + (isAbstract ? 0 : 1))
                .order(ByteOrder.nativeOrder());
        sockaddr.putShort(AF_UNIX).put(path);
        if (isAbstract) {
            sockaddr.put(2, (byte) 0);
        }
        return sockaddr.array();
    }

    /** Half of {@code WATCHDOG_USEC} in ms, or 0 when unset, invalid or meant for another pid. */
    static long watchdogInterval(String usec, String forPid, long pid) {
        if (usec == null || usec.isEmpty()) {
            return 0;
        }
        if (forPid != null && !forPid.isEmpty() && !forPid.equals(Long.toString(pid))) {
            return 0;
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros <= 0 ? 0 : Math.max(1, micros / 2000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
