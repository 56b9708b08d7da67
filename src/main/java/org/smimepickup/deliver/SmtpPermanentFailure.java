package org.smimepickup.deliver;

import java.util.List;
import org.smimepickup.failure.PermanentFailure;

/**
 * An SMTP attempt that retrying cannot fix: a 5xx reply or an oversize message.
 */
public final class SmtpPermanentFailure extends PermanentFailure implements SmtpFailure {
    private final Detail detail;

    SmtpPermanentFailure(String reason, String command, int code, String address,
            List<String> delivered, List<String> undelivered, Throwable cause) {
        super(reason, cause);
        this.detail = new Detail(command, code, address, delivered, undelivered);
    }

    @Override
    public Detail detail() {
        return detail;
    }
}
