package org.smimepickup.message;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.smimepickup.failure.PermanentFailure;

/**
 * The header that stays outside the S/MIME layer: every input field except Content-*,
 * MIME-Version (written anew), Bcc (its recipients are in the envelope, never in the header)
 * and the control header. Kept fields keep their bytes; Date and Message-ID are added when
 * missing.
 */
public final class OuterHeader {
    /** Per-message control header; it steers this daemon and never leaves it. */
    public static final String CONTROL_FIELD = "X-SMIME-Mode";

    private static final Set<String> DROPPED = Set.of("mime-version", "bcc", "resent-bcc",
            CONTROL_FIELD.toLowerCase(Locale.ROOT));
    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private OuterHeader() {
    }

    /**
     * The outer header fields, each ending in CRLF, without the blank line. {@code uniqueId}
     * is used for a new Message-ID when the input has none.
     */
    public static byte[] of(InputMessage input, String uniqueId, ZonedDateTime now)
            throws PermanentFailure {
        List<HeaderField> kept = input.header().select(f -> !HeaderBlock.isContentField(f)
                && !DROPPED.contains(f.key()));
        ByteSink out = new ByteSink(2048);

        // a first field named like a pickup envelope line would be read as one by PowerMTA
        boolean versionFirst = !kept.isEmpty()
                && InputMessage.PICKUP_NAMES.contains(kept.get(0).key());
        if (versionFirst || kept.isEmpty()) {
            out.ascii("MIME-Version: 1.0").crlf();
        }
        for (HeaderField field : kept) {
            out.bytes(HeaderEncoding.sevenBit(field, 998)).crlf();
        }
        if (input.header().first("Date") == null) {
            out.ascii("Date: " + RFC_5322_DATE.format(now)).crlf();
        }
        if (input.header().first("Message-ID") == null) {
            out.ascii("Message-ID: <" + uniqueId + "@" + idDomain(input) + ">").crlf();
        }
        if (!versionFirst && !kept.isEmpty()) {
            out.ascii("MIME-Version: 1.0").crlf();
        }
        return out.toByteArray();
    }

    /** The domain of the From address when it is a plain one, else a neutral name. */
    private static String idDomain(InputMessage input) {
        try {
            List<String> from = Addresses.mailboxes("From", input.header().value("From"));
            if (!from.isEmpty()) {
                String domain = from.get(0).substring(from.get(0).lastIndexOf('@') + 1);
                if (domain.matches("[A-Za-z0-9.-]{1,200}")) {
                    return domain.toLowerCase(Locale.ROOT);
                }
            }
        } catch (PermanentFailure e) {
            // an unreadable From is reported by the signing step; any domain works for an id
        }
        return "smime-pickup.invalid";
    }
}
