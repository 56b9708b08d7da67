package org.smimepickup.message;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One header field as it stood in the input. {@link #raw()} keeps the original bytes, folding
 * included, with every line break made CRLF and no final line break; {@link #value()} is the
 * unfolded value read as ISO-8859-1 so that 8-bit bytes survive a round trip through a String.
 */
public final class HeaderField {
    private final String name;
    private final byte[] raw;
    private final int valueOffset;

    HeaderField(String name, byte[] raw, int valueOffset) {
        this.name = name;
        this.raw = raw;
        this.valueOffset = valueOffset;
    }

    /** Builds a new field from a name and an ASCII value written as given. */
    public static HeaderField of(String name, String value) {
        byte[] raw = (name + ": " + value).getBytes(StandardCharsets.ISO_8859_1);
        return new HeaderField(name, raw, name.length() + 1);
    }

    public String name() {
        return name;
    }

    /** The field name in lower case, for comparisons. */
    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    public boolean is(String fieldName) {
        return name.equalsIgnoreCase(fieldName);
    }

    public byte[] raw() {
        return raw.clone();
    }

    int length() {
        return raw.length;
    }

    byte byteAt(int i) {
        return raw[i];
    }

    /** The value with folding removed and outer white space trimmed. */
    public String value() {
        String folded = new String(raw, valueOffset, raw.length - valueOffset,
                StandardCharsets.ISO_8859_1);
        return folded.replace("\r\n", "").trim();
    }

    public boolean isEightBit() {
        for (byte b : raw) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }
}
