package org.smimepickup.message;

import java.util.Base64;

/**
 * The byte-level tools of the canonical form: line endings, 7-bit checks and the two transfer
 * encodings. Quoted-printable is written here rather than taken from Jakarta Mail because the
 * canonical form needs exact control of hard versus soft line breaks and of bare CR.
 */
public final class TransferEncoding {
    /** RFC 2045: encoded lines are at most 76 characters. */
    static final int QP_LINE = 76;
    /** Lines this long or shorter pass relays untouched; longer ones get encoded. */
    static final int SAFE_LINE = 78;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes();

    /**
     * Byte classes for the scans below, indexed by the unsigned byte: one load per byte instead
     * of a chain of range comparisons, which made the base64 check a fifth of all CPU time on
     * messages with large attachments. Flags, since every base64 character is also text.
     */
    private static final byte BASE64 = 1;
    /** 7-bit, not NUL, not a line break character. */
    private static final byte TEXT = 2;
    private static final byte CR = 4;
    private static final byte LF = 8;
    private static final byte[] CLASS = classes();

    private static byte[] classes() {
        byte[] table = new byte[256];
        for (int b = 1; b < 128; b++) {
            table[b] = (byte) (TEXT | (isBase64Char((byte) b) ? BASE64 : 0));
        }
        table['\r'] = CR;
        table['\n'] = LF;
        return table;
    }

    private TransferEncoding() {
    }

    /** LF-only and CRLF line breaks as CRLF; a CR not followed by LF stays as it is. */
    static byte[] crlf(byte[] data, int from, int to) {
        ByteSink out = new ByteSink(to - from + (to - from) / 40 + 16);
        crlf(data, from, to, out);
        return out.toByteArray();
    }

    /** As {@link #crlf(byte[], int, int)}, written straight into {@code out}: no copy between. */
    static void crlf(byte[] data, int from, int to, ByteSink out) {
        int start = from;
        for (int i = from; i < to; i++) {
            if (data[i] == '\n' && (i == from || data[i - 1] != '\r')) {
                out.bytes(data, start, i).crlf();
                start = i + 1;
            }
        }
        out.bytes(data, start, to);
    }

    /**
     * True when CRLF text can go out as 7bit and survive any relay: no 8-bit byte, no NUL, no
     * bare CR, lines of at most 78 characters, no trailing white space, no line starting with
     * "From " (which mbox writers mangle).
     */
    static boolean isSafeText(byte[] text) {
        int lineStart = 0;
        for (int i = 0; i < text.length; i++) {
            byte b = text[i];
            if (b < 0 || b == 0) {
                return false;
            }
            if (b == '\r') {
                if (i + 1 >= text.length || text[i + 1] != '\n') {
                    return false;
                }
                if (!isSafeLine(text, lineStart, i)) {
                    return false;
                }
                i++;
                lineStart = i + 1;
            } else if (b == '\n') {
                return false;
            }
        }
        return isSafeLine(text, lineStart, text.length);
    }

    private static boolean isSafeLine(byte[] text, int from, int to) {
        if (to - from > SAFE_LINE) {
            return false;
        }
        if (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) {
            return false;
        }
        return !(to - from >= 5 && text[from] == 'F' && text[from + 1] == 'r'
                && text[from + 2] == 'o' && text[from + 3] == 'm' && text[from + 4] == ' ');
    }

    /** True when the bytes are printable 7-bit lines with CRLF breaks, each within the limit. */
    static boolean isCleanAscii(byte[] data, int from, int to, int maxLine, boolean needCrlf) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            int kind = CLASS[b & 0xff];
            if ((kind & TEXT) != 0) {
                continue;
            }
            if (kind == 0) {
                return false;
            }
            // what is left is a CR or an LF
            boolean pair = b == '\r' && i + 1 < to && data[i + 1] == '\n';
            if (!pair && (needCrlf || b == '\r')) {
                return false;
            }
            if (i - lineStart > maxLine) {
                return false;
            }
            i += pair ? 1 : 0;
            lineStart = i + 1;
        }
        return to - lineStart <= maxLine;
    }

    /**
     * Quoted-printable of canonical text: CRLF pairs become hard line breaks; everything else,
     * a bare CR included, is encoded so that no line exceeds 76 characters.
     */
    static byte[] quotedPrintable(byte[] text) {
        ByteSink out = new ByteSink(text.length + text.length / 8 + 16);
        quotedPrintable(text, out);
        return out.toByteArray();
    }

    /** As {@link #quotedPrintable(byte[])}, written straight into {@code out}. */
    static void quotedPrintable(byte[] text, ByteSink out) {
        int lineStart = 0;
        for (int i = 0; i <= text.length; i++) {
            boolean end = i == text.length;
            if (end || (text[i] == '\r' && i + 1 < text.length && text[i + 1] == '\n')) {
                encodeQpLine(text, lineStart, i, out);
                if (!end) {
                    out.crlf();
                    i++;
                    lineStart = i + 1;
                }
            }
        }
    }

    private static void encodeQpLine(byte[] text, int from, int to, ByteSink out) {
        int column = 0;
        for (int i = from; i < to; i++) {
            int b = text[i] & 0xff;
            boolean lastOnLine = i == to - 1;
            boolean literal = (b >= 33 && b <= 126 && b != '=')
                    || ((b == ' ' || b == '\t') && !lastOnLine);
            literal = literal && !(column == 0 && isRiskyLineStart(text, i, to));
            int width = literal ? 1 : 3;
            // keep room for the soft break '=' unless this is the last char of the line
            int room = lastOnLine ? QP_LINE : QP_LINE - 1;
            if (column + width > room) {
                out.write('=');
                out.crlf();
                column = 0;
                // a soft break starts a line too: "From " or a dot must not open it literally
                literal = literal && !isRiskyLineStart(text, i, to);
                width = literal ? 1 : 3;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 15]);
            }
            column += width;
        }
    }

    /** "From " (mangled by mbox writers) or a dot (special to SMTP) at the start of a line. */
    private static boolean isRiskyLineStart(byte[] text, int i, int to) {
        if (text[i] == '.') {
            return true;
        }
        return to - i >= 5 && text[i] == 'F' && text[i + 1] == 'r' && text[i + 2] == 'o'
                && text[i + 3] == 'm' && text[i + 4] == ' ';
    }

    /** Base64 in lines of 76 characters, each ending in CRLF. */
    static byte[] base64(byte[] data, int from, int to) {
        ByteSink out = new ByteSink((to - from) / 57 * 78 + 82);
        base64(data, from, to, out);
        return out.toByteArray();
    }

    /** As {@link #base64(byte[], int, int)}, written into {@code out}. */
    static void base64(byte[] data, int from, int to, ByteSink out) {
        byte[] slice = from == 0 && to == data.length ? data : java.util.Arrays.copyOfRange(
                data, from, to);
        byte[] encoded = Base64.getMimeEncoder(QP_LINE, new byte[] {'\r', '\n'}).encode(slice);
        out.bytes(encoded);
        if (encoded.length > 0) {
            out.crlf();
        }
    }

    /**
     * True when the body is well-formed base64 in lines of at most 76 characters, broken by CRLF
     * or LF. A bare CR is not a line break here: kept, it would reach the output as it stands.
     */
    static boolean isCleanBase64(byte[] data, int from, int to) {
        return cleanBase64BareLfs(data, from, to) >= 0;
    }

    /**
     * -1 when not {@link #isCleanBase64}, else how many LF line breaks lack their CR: with none,
     * {@link #crlf} would return the bytes unchanged, and the caller can skip that pass.
     */
    static int cleanBase64BareLfs(byte[] data, int from, int to) {
        int lineStart = from;
        int bareLfs = 0;
        for (int i = from; i < to; i++) {
            int kind = CLASS[data[i] & 0xff];
            if ((kind & BASE64) != 0) {
                continue;
            }
            if ((kind & (CR | LF)) == 0 || (kind == CR && (i + 1 >= to || data[i + 1] != '\n'))) {
                return -1;
            }
            if (i - lineStart > QP_LINE) {
                return -1;
            }
            if (kind == LF && (i == from || data[i - 1] != '\r')) {
                bareLfs++;
            }
            lineStart = i + 1;
        }
        return to - lineStart <= QP_LINE ? bareLfs : -1;
    }

    private static boolean isBase64Char(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                || b == '+' || b == '/' || b == '=';
    }

    /**
     * Decodes base64 the lenient way mail clients do: characters outside the alphabet skipped,
     * and padding in the middle (pieces encoded one by one and joined) ends a piece, not the
     * content.
     */
    static byte[] decodeBase64(byte[] data, int from, int to) {
        ByteSink decoded = new ByteSink((to - from) * 3 / 4 + 3);
        ByteSink piece = new ByteSink(to - from);
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '=') {
                decodePiece(piece, decoded);
            } else if ((CLASS[b & 0xff] & BASE64) != 0) {
                piece.write(b);
            }
        }
        decodePiece(piece, decoded);
        return decoded.toByteArray();
    }

    private static void decodePiece(ByteSink piece, ByteSink decoded) {
        // a lone trailing character carries less than a byte: drop it, as clients do
        int usable = piece.size() % 4 == 1 ? piece.size() - 1 : piece.size();
        decoded.bytes(Base64.getDecoder().decode(pad(piece.toByteArray(), usable)));
        piece.reset();
    }

    private static byte[] pad(byte[] chars, int usable) {
        int padded = (usable + 3) / 4 * 4;
        byte[] out = java.util.Arrays.copyOf(chars, padded);
        for (int i = usable; i < padded; i++) {
            out[i] = '=';
        }
        return out;
    }

    /** Decodes quoted-printable leniently: a malformed '=' sequence is kept as it stands. */
    static byte[] decodeQuotedPrintable(byte[] data, int from, int to) {
        ByteSink out = new ByteSink(to - from);
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b != '=') {
                out.write(b);
                continue;
            }
            if (i + 1 < to && (data[i + 1] == '\n'
                    || (data[i + 1] == '\r' && i + 2 < to && data[i + 2] == '\n'))) {
                i += data[i + 1] == '\r' ? 2 : 1;
                continue;
            }
            int high = i + 2 < to ? Character.digit(data[i + 1], 16) : -1;
            int low = i + 2 < to ? Character.digit(data[i + 2], 16) : -1;
            if (high < 0 || low < 0) {
                out.write(b);
                continue;
            }
            out.write(high * 16 + low);
            i += 2;
        }
        return out.toByteArray();
    }
}
