package org.smimepickup.smime;

import java.security.SecureRandom;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.ByteSink;

/** Small helpers shared by the signer and the encryptor. */
final class Mime {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Mime() {
    }

    /** A boundary that does not occur in {@code content} (checked, not hoped). */
    static String boundary(Body content) throws PermanentFailure {
        while (true) {
            StringBuilder b = new StringBuilder("----=_smime_");
            for (int i = 0; i < 24; i++) {
                b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
            String candidate = b.toString();
            if (!contains(content, candidate.getBytes(StandardCharsets.US_ASCII))) {
                return candidate;
            }
        }
    }

    /** Streams the body past a matcher (Knuth-Morris-Pratt), so a file body is not loaded. */
    private static boolean contains(Body body, byte[] needle) throws PermanentFailure {
        int[] fallback = new int[needle.length];
        for (int i = 1, k = 0; i < needle.length; i++) {
            while (k > 0 && needle[i] != needle[k]) {
                k = fallback[k - 1];
            }
            k += needle[i] == needle[k] ? 1 : 0;
            fallback[i] = k;
        }
        boolean[] found = {false};
        OutputStream matcher = new OutputStream() {
            private int matched;

            @Override
            public void write(int b) {
                while (matched > 0 && (byte) b != needle[matched]) {
                    matched = fallback[matched - 1];
                }
                matched += (byte) b == needle[matched] ? 1 : 0;
                if (matched == needle.length) {
                    found[0] = true;
                    matched = fallback[matched - 1];
                }
            }

            @Override
            public void write(byte[] data, int off, int len) {
                // the hot loop of signing: kept free of calls
                int m = matched;
                for (int i = off; i < off + len; i++) {
                    byte b = data[i];
                    while (m > 0 && b != needle[m]) {
                        m = fallback[m - 1];
                    }
                    if (b == needle[m] && ++m == needle.length) {
                        found[0] = true;
                        m = fallback[m - 1];
                    }
                }
                matched = m;
            }
        };
        try {
            body.writeTo(matcher);
        } catch (IOException e) {
            throw new PermanentFailure("cannot read the entity to sign: " + e.getMessage(), e);
        }
        return found[0];
    }

    /** DER as base64 lines of 76 characters, each ending in CRLF. */
    static void base64(byte[] der, ByteSink out) {
        out.bytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(der)).crlf();
    }
}
