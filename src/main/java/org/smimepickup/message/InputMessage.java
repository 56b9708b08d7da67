package org.smimepickup.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.smimepickup.failure.PermanentFailure;

/**
 * A dropped file, split into its optional PowerMTA pickup envelope, its header and its body.
 * Line endings may be LF or CRLF. The raw bytes are kept; nothing is decoded here.
 */
public final class InputMessage {
    /** Envelope line names PowerMTA reads at the top of a pickup file. */
    public static final Set<String> PICKUP_NAMES =
            Set.of("x-sender", "x-receiver", "x-envid", "x-job", "x-virtual-mta");

    private final byte[] data;
    private final List<String[]> pickupLines;
    private final HeaderBlock header;
    private final int headerStart;

    private InputMessage(byte[] data, List<String[]> pickupLines, HeaderBlock header,
            int headerStart) {
        this.data = data;
        this.pickupLines = pickupLines;
        this.header = header;
        this.headerStart = headerStart;
    }

    public static InputMessage parse(byte[] data) throws PermanentFailure {
        if (data.length == 0) {
            throw new PermanentFailure("empty: the file has no bytes; nothing to send");
        }
        int pos = skipPreamble(data, 0);
        List<String[]> pickup = new ArrayList<>();
        int afterPickup = readPickupLines(data, pos, pickup);
        // a producer may put envelope lines in front of a message exported from an mbox
        pos = afterPickup > pos ? skipPreamble(data, afterPickup) : afterPickup;

        HeaderBlock header = HeaderBlock.parse(data, pos, data.length, true);
        for (int i = pos; i < header.bodyStart(); i++) {
            if (data[i] == 0) {
                throw new PermanentFailure("NUL byte in the header: the file is not text mail");
            }
        }
        return new InputMessage(data, pickup, header, pos);
    }

    /** Skips a UTF-8 byte order mark and an mbox "From " separator line. */
    private static int skipPreamble(byte[] data, int start) {
        int pos = start;
        if (data.length - pos >= 3 && (data[pos] & 0xff) == 0xEF
                && (data[pos + 1] & 0xff) == 0xBB && (data[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
        if (startsWith(data, pos, "From ")) {
            pos = Lines.nextLine(data, Lines.endOfLine(data, pos, data.length), data.length);
        }
        return pos;
    }

    private static int readPickupLines(byte[] data, int pos, List<String[]> out) {
        if (!startsWithIgnoreCase(data, pos, "x-sender:")) {
            return pos;
        }
        while (pos < data.length) {
            int end = Lines.endOfLine(data, pos, data.length);
            String line = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!PICKUP_NAMES.contains(name)) {
                return pos;
            }
            out.add(new String[] {name, line.substring(colon + 1).trim()});
            pos = Lines.nextLine(data, end, data.length);
        }
        return pos;
    }

    private static boolean startsWith(byte[] data, int pos, String prefix) {
        if (data.length - pos < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (data[pos + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(byte[] data, int pos, String prefix) {
        if (data.length - pos < prefix.length()) {
            return false;
        }
        String head = new String(data, pos, prefix.length(), StandardCharsets.ISO_8859_1);
        return head.equalsIgnoreCase(prefix);
    }

    public byte[] data() {
        return data;
    }

    /** PowerMTA envelope lines as {name in lower case, value}; empty for plain RFC 5322 input. */
    public List<String[]> pickupLines() {
        return pickupLines;
    }

    public HeaderBlock header() {
        return header;
    }

    public int headerStart() {
        return headerStart;
    }

    public int bodyStart() {
        return header.bodyStart();
    }
}
