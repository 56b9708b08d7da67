package org.smimepickup.deliver;

import java.util.List;

/**
 * What both SMTP failure kinds carry: the command that failed, the reply code (0 when there was
 * no reply), the address concerned (null for the whole message) and who already has a copy.
 */
public interface SmtpFailure extends PartialDelivery {
    /** The facts of the failure, shared by the temporary and the permanent kind. */
    record Detail(String command, int code, String address, List<String> delivered,
            List<String> undelivered) {
        public Detail {
            delivered = List.copyOf(delivered);
            undelivered = List.copyOf(undelivered);
        }
    }

    Detail detail();

    default String command() {
        return detail().command();
    }

    default int code() {
        return detail().code();
    }

    default String address() {
        return detail().address();
    }

    @Override
    default List<String> delivered() {
        return detail().delivered();
    }

    @Override
    default List<String> undelivered() {
        return detail().undelivered();
    }
}
