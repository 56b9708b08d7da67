package org.smimepickup.failure;

/**
 * Why a message could not be handed off. The subtype decides what happens to the input:
 * {@link PermanentFailure} sends it to {@code failed/}, {@link TemporaryFailure} keeps it for a
 * retry. The message text is written for the operator: what went wrong and how to fix it. It
 * never contains message bodies, keys or passwords.
 */
public abstract class ProcessingFailure extends Exception {
    protected ProcessingFailure(String reason, Throwable cause) {
        super(reason, cause);
    }
}
