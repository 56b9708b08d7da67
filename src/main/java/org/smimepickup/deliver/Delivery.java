package org.smimepickup.deliver;

import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.failure.TemporaryFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.Envelope;

/**
 * Hands one secured message to the MTA: a pickup file, an SMTP transaction, or standard output.
 * Implementations are thread-safe; the failure type decides whether the input is retried.
 */
public interface Delivery {
    /**
     * Delivers {@code header} followed by {@code entity} (both CRLF, 7-bit) to the envelope's
     * recipients and returns where it went, for the log line. Blocking.
     */
    String deliver(Envelope envelope, byte[] header, Body entity, String id)
            throws PermanentFailure, TemporaryFailure;

    /** As {@link #deliver(Envelope, byte[], Body, String)} for an entity held in memory. */
    default String deliver(Envelope envelope, byte[] header, byte[] entity, String id)
            throws PermanentFailure, TemporaryFailure {
        return deliver(envelope, header, Body.of(entity), id);
    }
}
