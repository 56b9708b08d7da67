package org.smimepickup.failure;

/**
 * Why a message could not be handed off. The subtype decides what happens to the input:
 * {@link PermanentFailure} sends it to {@code failed/}, {@link TemporaryFailure} keeps it for a
 * retry. The message text is written for the operator: what went wrong and how to fix it. It
 * never contains message bodies, keys or passwords.
 */
public abstract class ProcessingFailure extends Exception {
    private String sender;
    private int recipients = -1;

    protected ProcessingFailure(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** Records whose message failed, once its envelope was read, for the log line. */
    public void about(String envelopeSender, int recipientCount) {
        this.sender = envelopeSender;
        this.recipients = recipientCount;
    }

    /** "from=&lt;S&gt; rcpts=N " when the envelope was known, else empty. */
    public String who() {
        return recipients < 0 ? "" : "from=<" + sender + "> rcpts=" + recipients + " ";
    }
}
