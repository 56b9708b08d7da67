package org.smimepickup.deliver;

import java.util.List;
import org.smimepickup.failure.PermanentFailure;

/**
 * An SMTP attempt that retrying cannot fix: a 5xx reply or an oversize message. Carries the
 * command that failed, the reply code (0 when there was no reply) and the address concerned
 * (null when the whole message is concerned).
 */
public final class SmtpPermanentFailure extends PermanentFailure implements PartialDelivery {
    private final String command;
    private final int code;
    private final String address;
    private final List<String> delivered;
    private final List<String> undelivered;

    SmtpPermanentFailure(String reason, String command, int code, String address,
            List<String> delivered, List<String> undelivered, Throwable cause) {
        super(reason, cause);
        this.command = command;
        this.code = code;
        this.address = address;
        this.delivered = List.copyOf(delivered);
        this.undelivered = List.copyOf(undelivered);
    }

    public String command() {
        return command;
    }

    public int code() {
        return code;
    }

    public String address() {
        return address;
    }

    @Override
    public List<String> delivered() {
        return delivered;
    }

    @Override
    public List<String> undelivered() {
        return undelivered;
    }
}
