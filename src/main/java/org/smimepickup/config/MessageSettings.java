package org.smimepickup.config;

import org.smimepickup.smime.ContentCipher;
import org.smimepickup.smime.DigestAlgorithm;
import org.smimepickup.smime.KeyTransport;

/**
 * What to do to one message, after the global defaults, the first matching policy and the
 * control header have had their say.
 */
public record MessageSettings(Mode mode, MissingCert missingCert, boolean encryptToSender,
        ContentCipher cipher, KeyTransport keyTransport, DigestAlgorithm digest, boolean opaque,
        boolean controlHeader, String policy) {

    /** What to do for a recipient without a usable certificate when encrypting. */
    public enum MissingCert {
        /** The message goes to failed/ naming the addresses: never plaintext by accident. */
        FAIL("fail"),
        /** The whole message goes out signed, not encrypted. */
        SIGN_ONLY("sign-only"),
        /** Encrypted for those with certificates, a signed-only copy for the others. */
        SPLIT("split");

        private final String text;

        MissingCert(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }

        static MissingCert parse(String value) {
            for (MissingCert m : values()) {
                if (m.text.equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("'" + value + "' (use fail, sign-only or split)");
        }
    }

    public MessageSettings withMode(Mode newMode) {
        return new MessageSettings(newMode, missingCert, encryptToSender, cipher, keyTransport,
                digest, opaque, controlHeader, policy);
    }
}
