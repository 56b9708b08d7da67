package org.smimepickup.spool;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition by checking it every few milliseconds until a deadline. */
final class Eventually {
    private static final long STEP_NANOS = Duration.ofMillis(20).toNanos();

    private Eventually() {
    }

    /** Returns once {@code condition} holds; fails the test naming {@code what} at the deadline. */
    static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("waited " + deadline.toMillis() + " ms for " + what);
            }
            LockSupport.parkNanos(STEP_NANOS);
        }
    }
}
