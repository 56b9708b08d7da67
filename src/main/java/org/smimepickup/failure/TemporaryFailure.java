package org.smimepickup.failure;

/**
 * The world is not ready yet: a full disk, a missing pickup directory, a refused connection, a
 * 4xx reply. The input is kept in {@code deferred/} and retried later.
 */
public class TemporaryFailure extends ProcessingFailure {
    public TemporaryFailure(String reason) {
        super(reason, null);
    }

    public TemporaryFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
