package org.smimepickup.deliver;

import java.util.List;
import org.smimepickup.failure.TemporaryFailure;

/**
 * An SMTP attempt to retry later: refused connection, timeout, I/O error, 4xx.
 */
public final class SmtpTemporaryFailure extends TemporaryFailure implements SmtpFailure {
    private final Detail detail;

    SmtpTemporaryFailure(String reason, String command, int code, String address,
            List<String> delivered, List<String> undelivered, Throwable cause) {
        super(reason, cause);
        this.detail = new Detail(command, code, address, delivered, undelivered);
    }

    @Override
    public Detail detail() {
        return detail;
    }
}
