package org.smimepickup.smime;

import java.security.SecureRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.ByteSearch;
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

    /**
     * Streams the body past a search, so a file body is not loaded. The boundary is long and
     * mostly random, so the search skips most bytes; this check used to be the largest cost of
     * signing small messages.
     */
    static boolean contains(Body body, byte[] needle) throws PermanentFailure {
        ByteSearch.Finder finder = new ByteSearch(needle).finder();
        try {
            body.writeTo(finder);
        } catch (IOException e) {
            throw new PermanentFailure("cannot read the entity to sign: " + e.getMessage(), e);
        }
        return finder.found();
    }

    /** DER as base64 lines of 76 characters, each ending in CRLF. */
    static void base64(byte[] der, ByteSink out) {
        out.bytes(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(der)).crlf();
    }
}
