package org.smimepickup.dkim;

/**
 * A DKIM key or name that cannot be used. The message is for the operator: what is wrong, with
 * the value, and how to fix it.
 */
public final class DkimException extends Exception {
    private static final long serialVersionUID = 1L;

    public DkimException(String message) {
        super(message);
    }

    public DkimException(String message, Throwable cause) {
        super(message, cause);
    }
}
