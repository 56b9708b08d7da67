package org.smimepickup.smime;

import java.security.spec.MGF1ParameterSpec;
import java.util.Locale;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * How the content key is wrapped for each RSA recipient: PKCS#1 v1.5 (what every client reads)
 * or RSA-OAEP with SHA-256 and MGF1-SHA-256, written with explicit parameters (RFC 8017) so
 * that readers need not guess defaults.
 */
public enum KeyTransport {
    PKCS1("pkcs1"),
    OAEP("rsa-oaep");

    static final OAEPParameterSpec OAEP_SHA256 = new OAEPParameterSpec("SHA-256", "MGF1",
            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private final String configName;

    KeyTransport(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static KeyTransport parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (KeyTransport k : values()) {
            if (k.configName.equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown key transport '" + text
                + "' (use pkcs1 or rsa-oaep)");
    }
}
