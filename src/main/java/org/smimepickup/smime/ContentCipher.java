package org.smimepickup.smime;

import java.util.Locale;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/** Content encryption algorithms; the CBC ones are what older clients read. */
public enum ContentCipher {
    AES256_CBC("aes256-cbc", CMSAlgorithm.AES256_CBC),
    AES128_CBC("aes128-cbc", CMSAlgorithm.AES128_CBC);

    private final String configName;
    private final ASN1ObjectIdentifier oid;

    ContentCipher(String configName, ASN1ObjectIdentifier oid) {
        this.configName = configName;
        this.oid = oid;
    }

    ASN1ObjectIdentifier oid() {
        return oid;
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
                + "' (use aes256-cbc or aes128-cbc)");
    }
}
