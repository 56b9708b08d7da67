package org.smimepickup.smime;

import java.util.Locale;

/**
 * Who performs the public-key operations ({@code crypto.engine}): the private-key operation of
 * each signature and the PKCS#1 v1.5 wrap of each content key. The rest of S/MIME (hashing, CMS
 * encoding, content encryption, RSA-OAEP) is the same Java code whichever is chosen.
 */
public enum CryptoEngine {
    /** OpenSSL when libcrypto 3 loads and passes its check, the JDK otherwise. */
    AUTO,
    /** OpenSSL, and the daemon refuses to start without it. */
    OPENSSL,
    /** The JDK only: no native code touches the key. */
    JDK;

    public static CryptoEngine parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (CryptoEngine engine : values()) {
            if (engine.name().toLowerCase(Locale.ROOT).equals(t)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + text
                + "' (use auto, openssl or jdk)");
    }

    /** Why OpenSSL cannot be used, or null when it can (always null for {@link #JDK}). */
    public String problem() {
        return this == JDK ? null : LibCrypto.problem();
    }

    /** Whether key operations go through OpenSSL (keys it cannot take still use the JDK). */
    boolean usesOpenssl() {
        return this != JDK && LibCrypto.problem() == null;
    }

    /** For the start-up log line: what does the key operations, and why not OpenSSL. */
    public String describe() {
        if (this == JDK) {
            return "the JDK (crypto.engine = jdk)";
        }
        String problem = LibCrypto.problem();
        return problem == null ? LibCrypto.version() + " (libcrypto)"
                : "the JDK (OpenSSL unavailable: " + problem + ")";
    }
}
