package org.smimepickup.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, checking it every few milliseconds. */
public final class Poll {
    private static final long STEP_NANOS = Duration.ofMillis(50).toNanos();

    private Poll() {
    }

    /** Returns once {@code condition} holds; fails the test naming {@code what} at the deadline. */
    public static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("waited " + deadline.toSeconds() + " s for " + what);
            }
            LockSupport.parkNanos(STEP_NANOS);
        }
    }
}
