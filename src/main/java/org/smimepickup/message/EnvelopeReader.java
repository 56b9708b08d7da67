package org.smimepickup.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smimepickup.failure.PermanentFailure;

/**
 * Works out the envelope of an input: the pickup lines when the producer wrote them, otherwise
 * the header. Sender: {@code x-sender}, Return-Path, Sender, From. Recipients: the
 * {@code x-receiver} lines, or To + Cc + Bcc (Bcc recipients get the message; the header that
 * names them is dropped later).
 */
public final class EnvelopeReader {
    private EnvelopeReader() {
    }

    public static Envelope read(InputMessage input) throws PermanentFailure {
        String sender = null;
        List<String> pickupRecipients = new ArrayList<>();
        List<String> extras = new ArrayList<>();
        for (String[] line : input.pickupLines()) {
            switch (line[0]) {
                case "x-sender" -> sender = bare(line[1]);
                case "x-receiver" -> pickupRecipients.add(bare(line[1]));
                default -> extras.add(extraLine(line));
            }
        }

        HeaderBlock header = input.header();
        if (sender == null) {
            sender = headerSender(header);
        }
        List<String> recipients = pickupRecipients.isEmpty()
                ? headerRecipients(header) : pickupRecipients;
        if (recipients.isEmpty()) {
            throw new PermanentFailure("no recipients: no x-receiver line and no address in"
                    + " To, Cc or Bcc");
        }
        if (!sender.isEmpty()) {
            Addresses.checked(sender, "sender");
        }
        return new Envelope(sender, distinct(recipients), extras);
    }

    private static String extraLine(String[] line) throws PermanentFailure {
        for (char c : line[1].toCharArray()) {
            if (c < 32 || c > 126) {
                throw new PermanentFailure(line[0] + " line has control or 8-bit characters");
            }
        }
        return line[0] + ": " + line[1];
    }

    /** "&lt;a@b&gt;" or "a@b" to "a@b"; "&lt;&gt;" (the null sender) to "". */
    private static String bare(String value) {
        String v = value.trim();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1).trim();
        }
        return v;
    }

    private static String headerSender(HeaderBlock header) throws PermanentFailure {
        String returnPath = header.value("Return-Path");
        // "<>" is the null sender; an empty field says nothing and falls through
        if (returnPath != null && !returnPath.isBlank()) {
            return bare(returnPath);
        }
        for (String name : new String[] {"Sender", "From"}) {
            List<String> found = Addresses.mailboxes(name, header.value(name));
            if (!found.isEmpty()) {
                return found.get(0);
            }
        }
        throw new PermanentFailure("no sender: no x-sender line and no address in Return-Path,"
                + " Sender or From");
    }

    private static List<String> headerRecipients(HeaderBlock header) throws PermanentFailure {
        List<String> found = new ArrayList<>();
        for (String name : new String[] {"To", "Cc", "Bcc"}) {
            for (HeaderField field : header.all(name)) {
                found.addAll(Addresses.mailboxes(name, field.value()));
            }
        }
        return found;
    }

    /** Drops repeats (case-insensitively) so no recipient gets two copies. */
    private static List<String> distinct(List<String> recipients) throws PermanentFailure {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String recipient : recipients) {
            Addresses.checked(recipient, "recipient");
            byKey.putIfAbsent(Addresses.key(recipient), recipient);
        }
        return new ArrayList<>(byKey.values());
    }
}
