package org.smimepickup.deliver;

import java.util.List;

/**
 * A failure after which some recipients already have their copy. The caller must retry (or
 * report) only {@link #undelivered()}: sending the whole envelope again would give the
 * {@link #delivered()} recipients a second copy.
 */
public interface PartialDelivery {
    /** Recipients that accepted the message; empty when nobody got it. */
    List<String> delivered();

    /** Recipients still owed the message (refused for now, or for good). */
    List<String> undelivered();
}
