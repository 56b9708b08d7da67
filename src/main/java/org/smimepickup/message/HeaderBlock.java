package org.smimepickup.message;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.smimepickup.failure.PermanentFailure;

/**
 * The header fields of a message or MIME entity, read leniently the way mail clients read them:
 * a line that is neither a field nor a continuation ends the header (the body starts there), as
 * does the blank line. A block with no field at all is refused: that input is not a message.
 */
public final class HeaderBlock {
    /** Real mail has a few dozen fields; this bounds memory and time on hostile input. */
    static final int MAX_FIELDS = 2000;

    private final List<HeaderField> fields;
    private final int bodyStart;

    private HeaderBlock(List<HeaderField> fields, int bodyStart) {
        this.fields = fields;
        this.bodyStart = bodyStart;
    }

    public static HeaderBlock empty(int bodyStart) {
        return new HeaderBlock(new ArrayList<>(), bodyStart);
    }

    /**
     * Reads fields from {@code data[from, to)}. For a top-level message {@code requireField} is
     * true and a block without any field is a permanent failure.
     */
    public static HeaderBlock parse(byte[] data, int from, int to, boolean requireField)
            throws PermanentFailure {
        List<HeaderField> fields = new ArrayList<>();
        ByteArrayOutputStream current = null;
        String currentName = null;
        int valueOffset = 0;
        int pos = from;

        while (pos < to) {
            int end = Lines.endOfLine(data, pos, to);
            int next = Lines.nextLine(data, end, to);
            if (end == pos) {
                pos = next;
                break;
            }
            if (isContinuation(data[pos]) && current != null) {
                current.write('\r');
                current.write('\n');
                current.write(data, pos, end - pos);
                pos = next;
                continue;
            }
            int colon = fieldNameEnd(data, pos, end);
            if (colon < 0 && hasEightBitName(data, pos, end)) {
                // a field to some readers and body text to others: refuse rather than guess
                throw new PermanentFailure("a header field name has 8-bit bytes; readers"
                        + " disagree on where such a header ends, so fix the field name");
            }
            if (colon < 0) {
                if (fields.isEmpty() && current == null && requireField) {
                    throw new PermanentFailure("not a mail message: line 1 is not a header field"
                            + " (expected 'Name: value'); give the file RFC 5322 headers");
                }
                break;
            }
            if (current != null) {
                fields.add(new HeaderField(currentName, current.toByteArray(), valueOffset));
            }
            if (fields.size() >= MAX_FIELDS) {
                throw new PermanentFailure("more than " + MAX_FIELDS + " header fields");
            }
            currentName = new String(data, pos, nameLength(data, pos, colon),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            valueOffset = colon - pos + 1;
            current = new ByteArrayOutputStream(end - pos + 16);
            current.write(data, pos, end - pos);
            pos = next;
        }
        if (current != null) {
            fields.add(new HeaderField(currentName, current.toByteArray(), valueOffset));
        }
        if (fields.isEmpty() && requireField) {
            throw new PermanentFailure("not a mail message: no header fields");
        }
        return new HeaderBlock(fields, Math.min(pos, to));
    }

    private static boolean isContinuation(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Index of the colon that ends a field name, or -1 when the line is not a field. */
    private static int fieldNameEnd(byte[] data, int pos, int end) {
        int i = pos;
        while (i < end && data[i] > 32 && data[i] < 127 && data[i] != ':') {
            i++;
        }
        if (i == pos) {
            return -1;
        }
        // obsolete syntax (RFC 5322 section 4.5) allows white space before the colon
        while (i < end && (data[i] == ' ' || data[i] == '\t')) {
            i++;
        }
        return i < end && data[i] == ':' ? i : -1;
    }

    /** "Näme: value": a would-be field whose name is not US-ASCII. */
    private static boolean hasEightBitName(byte[] data, int pos, int end) {
        boolean eightBit = false;
        for (int i = pos; i < end; i++) {
            byte b = data[i];
            if (b == ':') {
                return eightBit && i > pos;
            }
            if (b == ' ' || b == '\t') {
                return false;
            }
            eightBit |= b < 0;
        }
        return false;
    }

    private static int nameLength(byte[] data, int pos, int colon) {
        int i = colon;
        while (i > pos && (data[i - 1] == ' ' || data[i - 1] == '\t')) {
            i--;
        }
        return i - pos;
    }

    /** Offset in the parsed array where the body starts (after the blank line). */
    public int bodyStart() {
        return bodyStart;
    }

    public List<HeaderField> fields() {
        return Collections.unmodifiableList(fields);
    }

    /** The first field of that name, or null. */
    public HeaderField first(String name) {
        for (HeaderField field : fields) {
            if (field.is(name)) {
                return field;
            }
        }
        return null;
    }

    public String value(String name) {
        HeaderField field = first(name);
        return field == null ? null : field.value();
    }

    public List<HeaderField> all(String name) {
        List<HeaderField> found = new ArrayList<>();
        for (HeaderField field : fields) {
            if (field.is(name)) {
                found.add(field);
            }
        }
        return found;
    }

    public List<HeaderField> select(Predicate<HeaderField> filter) {
        List<HeaderField> found = new ArrayList<>();
        for (HeaderField field : fields) {
            if (filter.test(field)) {
                found.add(field);
            }
        }
        return found;
    }

    static boolean isContentField(HeaderField field) {
        return field.key().startsWith("content-");
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
