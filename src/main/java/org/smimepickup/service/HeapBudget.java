package org.smimepickup.service;

import java.util.concurrent.Semaphore;

/**
 * How much heap the messages in flight may take together. A message holds its input, its
 * canonical form, the signed and the encrypted entity and their base64 text at once, so it is
 * charged several times its size; the workers then never ask together for more than the heap
 * has, whatever their number. A message charged more than the whole budget waits until it can
 * run alone. First come, first served, so a large message is not starved by small ones.
 * Thread-safe.
 */
final class HeapBudget {
    /**
     * Heap a message needs for each byte of input, with room for the copies named above and
     * for the growth of BouncyCastle's buffers: six was seen to be too few with -Xmx128m.
     */
    static final int BYTES_PER_INPUT_BYTE = 16;
    /** The least a message is charged: parsing and CMS objects cost something at any size. */
    private static final long FLOOR_BYTES = 64 * 1024;
    private static final int UNIT = 1024;

    private final int units;
    private final Semaphore free;

    /** A budget of {@code bytes} (a share of the maximum heap; the rest is for the JVM). */
    HeapBudget(long bytes) {
        this.units = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
        this.free = new Semaphore(units, true);
    }

    /** The budget of this JVM: half its maximum heap. */
    static HeapBudget ofThisJvm() {
        return new HeapBudget(Runtime.getRuntime().maxMemory() / 2);
    }

    /** Waits until a message of {@code size} bytes fits; returns what to give back. */
    int take(long size) {
        long wanted = Math.max(FLOOR_BYTES, size * BYTES_PER_INPUT_BYTE) / UNIT;
        int charge = (int) Math.min(units, wanted);
        free.acquireUninterruptibly(charge);
        return charge;
    }

    void giveBack(int charge) {
        free.release(charge);
    }
}
