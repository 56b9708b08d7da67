package org.smimepickup.service;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Spool ids: short, unique across restarts and across daemons on one host (time, process id and
 * a counter), and safe in file names and log lines.
 */
final class SpoolIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    SpoolIds() {
        long started = System.currentTimeMillis();
        prefix = Long.toString(started, 36) + Long.toString(ProcessHandle.current().pid(), 36);
    }

    String next() {
        return prefix + "-" + Long.toString(counter.incrementAndGet(), 36);
    }
}
