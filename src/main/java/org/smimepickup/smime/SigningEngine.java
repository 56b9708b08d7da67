package org.smimepickup.smime;

import java.util.Locale;

/**
 * Who performs the private-key operation of a signature ({@code signing.engine}). The rest of
 * S/MIME (hashing, CMS encoding, encryption) is the same Java code whichever is chosen.
 */
public enum SigningEngine {
    /** OpenSSL when libcrypto 3 loads and passes its check, the JDK otherwise. */
    AUTO,
    /** OpenSSL, and the daemon refuses to start without it. */
    OPENSSL,
    /** The JDK only: no native code touches the key. */
    JDK;

    public static SigningEngine parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (SigningEngine engine : values()) {
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

    /** Whether signatures go through OpenSSL (keys it cannot take still use the JDK). */
    boolean usesOpenssl() {
        return this != JDK && LibCrypto.problem() == null;
    }

    /** For the start-up log line: what signs, and why not OpenSSL when it is not. */
    public String describe() {
        if (this == JDK) {
            return "the JDK (signing.engine = jdk)";
        }
        String problem = LibCrypto.problem();
        return problem == null ? LibCrypto.version() + " (libcrypto)"
                : "the JDK (OpenSSL unavailable: " + problem + ")";
    }
}
