package org.smimepickup.smime;

import java.util.Locale;

/** Signature digests we offer, with the name RFC 8551 gives them in {@code micalg}. */
public enum DigestAlgorithm {
    SHA256("SHA256", "sha-256"),
    SHA384("SHA384", "sha-384"),
    SHA512("SHA512", "sha-512");

    private final String jcaPrefix;
    private final String micalg;

    DigestAlgorithm(String jcaPrefix, String micalg) {
        this.jcaPrefix = jcaPrefix;
        this.micalg = micalg;
    }

    public String micalg() {
        return micalg;
    }

    String signatureAlgorithm(String keyAlgorithm) {
        return jcaPrefix + (keyAlgorithm.equals("EC") ? "withECDSA" : "withRSA");
    }

    /**
     * {@code configured}, or a longer digest where the key asks for one: an EC key on a curve
     * over 256 bits gets at least SHA-384, as RFC 5753 pairs them, because readers such as gpgsm
     * refuse a hash shorter than the curve.
     */
    public static DigestAlgorithm atLeastFor(java.security.PrivateKey key,
            DigestAlgorithm configured) {
        if (!(key instanceof java.security.interfaces.ECKey ec)) {
            return configured;
        }
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        DigestAlgorithm wanted = bits > 384 ? SHA512 : bits > 256 ? SHA384 : SHA256;
        return wanted.ordinal() > configured.ordinal() ? wanted : configured;
    }

    /** "sha256", "SHA-256" and the like. */
    public static DigestAlgorithm parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("-", "");
        for (DigestAlgorithm d : values()) {
            if (d.name().toLowerCase(Locale.ROOT).equals(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown digest '" + text
                + "' (use sha256, sha384 or sha512)");
    }
}
