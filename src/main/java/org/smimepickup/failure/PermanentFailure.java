package org.smimepickup.failure;

/** Retrying cannot help: bad input, no key, a 5xx reply. The input goes to {@code failed/}. */
public class PermanentFailure extends ProcessingFailure {
    public PermanentFailure(String reason) {
        super(reason, null);
    }

    public PermanentFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
