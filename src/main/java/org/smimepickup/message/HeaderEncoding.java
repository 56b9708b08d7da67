package org.smimepickup.message;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.smimepickup.failure.PermanentFailure;

/**
 * Makes header fields 7-bit and short enough for any relay: raw 8-bit text in unstructured
 * fields becomes RFC 2047 encoded words, raw 8-bit parameter values become RFC 2231 values,
 * and long lines are folded at white space. Fields that are already fine keep their bytes.
 */
final class HeaderEncoding {
    private static final Set<String> UNSTRUCTURED = Set.of("subject", "comments", "keywords",
            "content-description", "thread-topic", "organization");
    private static final int WORD_BYTES = 45;

    private HeaderEncoding() {
    }

    /** The field's bytes, made 7-bit and folded so no line exceeds {@code maxLine}. */
    static byte[] sevenBit(HeaderField field, int maxLine) throws PermanentFailure {
        for (int i = 0; i < field.length(); i++) {
            byte b = field.byteAt(i);
            boolean bareCr = b == '\r' && (i + 1 >= field.length() || field.byteAt(i + 1) != '\n');
            if (b == 0 || bareCr) {
                throw new PermanentFailure("header " + Addresses.printable(field.name())
                        + " contains a NUL or bare CR byte");
            }
        }
        byte[] raw = field.isEightBit() ? encodeEightBit(field) : field.raw();
        return fold(raw, field.name(), maxLine);
    }

    private static byte[] encodeEightBit(HeaderField field) throws PermanentFailure {
        String key = field.key();
        byte[] value = field.value().getBytes(StandardCharsets.ISO_8859_1);
        if (UNSTRUCTURED.contains(key) || key.startsWith("x-")) {
            return (field.name() + ": " + encodedWords(value)).getBytes(StandardCharsets.US_ASCII);
        }
        if (key.equals("content-type") || key.equals("content-disposition")) {
            return (field.name() + ": " + rfc2231(field.value()))
                    .getBytes(StandardCharsets.US_ASCII);
        }
        throw new PermanentFailure("header " + field.name() + " has raw 8-bit bytes, which cannot"
                + " go out 7-bit clean; encode it per RFC 2047 before dropping the file");
    }

    private static String charsetOf(byte[] value) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value));
            return "utf-8";
        } catch (CharacterCodingException e) {
            // not UTF-8: the bytes are passed on unchanged under the catch-all charset name
            return "unknown-8bit";
        }
    }

    /** RFC 2047 B-encoded words, split on whole UTF-8 characters, separated by folding. */
    private static String encodedWords(byte[] value) {
        String charset = charsetOf(value);
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (pos < value.length) {
            int end = Math.min(pos + WORD_BYTES, value.length);
            while (charset.equals("utf-8") && end < value.length && (value[end] & 0xC0) == 0x80) {
                end--;
            }
            if (out.length() > 0) {
                out.append("\r\n ");
            }
            out.append("=?").append(charset).append("?B?").append(Base64.getEncoder()
                    .encodeToString(java.util.Arrays.copyOfRange(value, pos, end))).append("?=");
            pos = end;
        }
        return out.toString();
    }

    /** Rewrites parameters with 8-bit values as name*=charset''percent-encoded. */
    private static String rfc2231(String value) throws PermanentFailure {
        List<String> pieces = splitParameters(value);
        StringBuilder out = new StringBuilder(pieces.get(0).trim());
        for (int i = 1; i < pieces.size(); i++) {
            String piece = pieces.get(i).trim();
            int eq = piece.indexOf('=');
            if (isAscii(piece)) {
                out.append(";\r\n ").append(piece);
                continue;
            }
            if (eq < 0) {
                throw new PermanentFailure("Content header parameter '" + Addresses.printable(
                        piece) + "' has raw 8-bit bytes and no value; encode it per RFC 2231");
            }
            String name = piece.substring(0, eq).trim();
            String raw = piece.substring(eq + 1).trim();
            if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
                raw = raw.substring(1, raw.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
            out.append(";\r\n ").append(name).append("*=").append(charsetOf(bytes)).append("''")
                    .append(percent(bytes));
        }
        return out.toString();
    }

    /** Splits at semicolons outside quoted strings (a filename may hold one). */
    private static List<String> splitParameters(String value) {
        List<String> pieces = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                pieces.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        pieces.add(current.toString());
        return pieces;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static String percent(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /**
     * Folds lines longer than {@code maxLine} at the last white space that fits. A line with no
     * such place is kept when under 998 characters (RFC 5322's hard limit) and refused above.
     */
    static byte[] fold(byte[] raw, String name, int maxLine) throws PermanentFailure {
        if (!hasLongLine(raw, maxLine)) {
            return raw;
        }
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (String line : text.split("\r\n", -1)) {
            if (out.length() > 0) {
                out.append("\r\n");
            }
            out.append(foldLine(line, name, maxLine, out.length() == 0));
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String foldLine(String line, String name, int maxLine, boolean first)
            throws PermanentFailure {
        StringBuilder out = new StringBuilder();
        String rest = line;
        int minBreak = first ? name.length() + 2 : 1;
        while (rest.length() > maxLine) {
            int cut = lastSpace(rest, maxLine, minBreak);
            if (cut < 0) {
                if (rest.length() > 998) {
                    throw new PermanentFailure("header " + name + " has a line of "
                            + rest.length() + " characters with no place to fold it");
                }
                break;
            }
            out.append(rest, 0, cut).append("\r\n");
            rest = rest.substring(cut);
            minBreak = 1;
        }
        return out.append(rest).toString();
    }

    private static int lastSpace(String line, int maxLine, int minBreak) {
        for (int i = Math.min(maxLine, line.length() - 1); i >= minBreak; i--) {
            char c = line.charAt(i);
            if ((c == ' ' || c == '\t') && i > 0 && line.charAt(i - 1) != ' '
                    && line.charAt(i - 1) != '\t') {
                return i;
            }
        }
        return -1;
    }

    private static boolean hasLongLine(byte[] raw, int maxLine) {
        int lineStart = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n') {
                if (i - 1 - lineStart > maxLine) {
                    return true;
                }
                lineStart = i + 1;
            }
        }
        return raw.length - lineStart > maxLine;
    }
}
