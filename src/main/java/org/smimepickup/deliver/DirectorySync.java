package org.smimepickup.deliver;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Group commit for a folder's fsync: every caller returns only after an fsync of the folder
 * that began after its call, but callers that arrive while one runs share the next one instead
 * of each paying for their own. Under load this turns one journal commit per message into one
 * per batch. Thread-safe.
 */
final class DirectorySync {
    private final Path dir;
    private long requested;
    private long completed;
    private boolean running;

    DirectorySync(Path dir) {
        this.dir = dir;
    }

    /** Returns once the folder's entries as they stood at this call are durable. Blocking. */
    void sync() throws IOException {
        long ticket;
        synchronized (this) {
            ticket = ++requested;
            while (completed < ticket && running) {
                awaitQuietly();
            }
            if (completed >= ticket) {
                return;
            }
            running = true;
        }
        lead();
    }

    /** Runs one fsync for everybody who asked before it started. */
    private void lead() throws IOException {
        long covered;
        synchronized (this) {
            covered = requested;
        }
        boolean ok = false;
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
            ok = true;
        } finally {
            synchronized (this) {
                running = false;
                if (ok) {
                    completed = Math.max(completed, covered);
                }
                notifyAll();
            }
        }
    }

    private void awaitQuietly() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the folder fsync");
        }
    }
}
