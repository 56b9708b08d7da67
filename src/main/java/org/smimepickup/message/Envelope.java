package org.smimepickup.message;

import java.util.List;

/**
 * Who the message is from and to on the wire (RFC 5321), as opposed to what its header says.
 * {@code extras} are the PowerMTA pickup lines carried over as they came ({@code x-envid},
 * {@code x-job}, {@code x-virtual-mta}), each as a complete "name: value" line.
 */
public record Envelope(String sender, List<String> recipients, List<String> extras) {
    public Envelope {
        recipients = List.copyOf(recipients);
        extras = List.copyOf(extras);
    }
}
