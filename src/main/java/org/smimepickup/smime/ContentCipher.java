package org.smimepickup.smime;

import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/**
 * Content encryption algorithms. The CBC ones go in EnvelopedData and are what older clients
 * read; GCM is authenticated and must go in AuthEnvelopedData (RFC 5083), never EnvelopedData.
 */
public enum ContentCipher {
    AES256_CBC("aes256-cbc", CMSAlgorithm.AES256_CBC),
    AES128_CBC("aes128-cbc", CMSAlgorithm.AES128_CBC),
    AES256_GCM("aes256-gcm", CMSAlgorithm.AES256_GCM),
    AES128_GCM("aes128-gcm", CMSAlgorithm.AES128_GCM);

    private final String configName;
    private final ASN1ObjectIdentifier oid;

    ContentCipher(String configName, ASN1ObjectIdentifier oid) {
        this.configName = configName;
        this.oid = oid;
    }

    ASN1ObjectIdentifier oid() {
        return oid;
    }

    public boolean authenticated() {
        return this == AES256_GCM || this == AES128_GCM;
    }

    public String configName() {
        return configName;
    }

    public static ContentCipher parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (ContentCipher c : values()) {
            if (c.configName.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cipher '" + text
                + "' (use aes256-cbc, aes128-cbc, aes256-gcm or aes128-gcm)");
    }
}
