package org.smimepickup.testing;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts S/MIME entities at the byte level, the way a reader that hashes exactly what it gets
 * must: the body after the header block, and the two parts of a detached signature.
 */
public final class SmimeParts {
    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLANK_LINE = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The signed data exactly as hashed, and the signature part's base64 body. */
    public record Detached(byte[] data, byte[] signatureBase64) {
    }

    private SmimeParts() {
    }

    /** The bytes after the header block of a CRLF message or entity (empty when none). */
    public static byte[] body(byte[] entity) {
        int blank = indexOf(entity, BLANK_LINE, 0);
        return blank < 0 ? new byte[0] : Arrays.copyOfRange(entity, blank + 4, entity.length);
    }

    /**
     * Splits a {@code multipart/signed} entity. RFC 2046: a part runs from the CRLF that ends
     * its delimiter line to the CRLF that begins the next delimiter. Null when it is not one.
     */
    public static Detached detached(byte[] entity) {
        String boundary = boundary(entity);
        if (boundary == null) {
            return null;
        }
        byte[] body = concat(CRLF, body(entity));
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int first = indexOf(body, delimiter, 0);
        int second = first < 0 ? -1 : indexOf(body, delimiter, first + 1);
        int third = second < 0 ? -1 : indexOf(body, delimiter, second + 1);
        if (third < 0) {
            return null;
        }
        byte[] data = Arrays.copyOfRange(body, lineEnd(body, first) + 2, second);
        byte[] signaturePart = Arrays.copyOfRange(body, lineEnd(body, second) + 2, third);
        return new Detached(data, body(signaturePart));
    }

    private static String boundary(byte[] entity) {
        String type = OutputCheck.contentType(entity);
        try {
            if (type == null || !new ContentType(type).match("multipart/signed")) {
                return null;
            }
            return new ContentType(type).getParameter("boundary");
        } catch (MessagingException e) {
            return null;
        }
    }

    private static int lineEnd(byte[] data, int from) {
        return indexOf(data, CRLF, from + 2);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
