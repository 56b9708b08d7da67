package org.smimepickup.smime;

import java.security.SecureRandom;
import java.util.Base64;
import org.smimepickup.message.ByteSink;

/** Small helpers shared by the signer and the encryptor. */
final class Mime {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Mime() {
    }

    /** A boundary that does not occur in {@code content} (checked, not hoped). */
    static String boundary(byte[] content) {
        while (true) {
            StringBuilder b = new StringBuilder("----=_smime_");
            for (int i = 0; i < 24; i++) {
                b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
            }
            String candidate = b.toString();
            if (indexOf(content, candidate.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    < 0) {
                return candidate;
            }
        }
    }

    private static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** DER as base64 lines of 76 characters, each ending in CRLF. */
    static void base64(byte[] der, ByteSink out) {
        out.bytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(der)).crlf();
    }
}
