package org.smimepickup.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The DNS TXT record that publishes a DKIM public key (RFC 6376 section 3.6.1). One
 * character-string holds at most 255 octets (RFC 1035), so a longer value becomes several
 * strings of one record; verifiers join them without separators (RFC 6376 section 3.6.2.2).
 */
public final class DkimRecord {
    /** The most octets one TXT character-string can hold. */
    public static final int MAX_STRING = 255;

    private DkimRecord() {
    }

    /** The record text: {@code v=DKIM1; k=rsa; p=} and the base64 SubjectPublicKeyInfo. */
    public static String value(byte[] publicKeyInfo) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(publicKeyInfo);
    }

    /** {@code value} cut into strings of at most 255 octets, in order. */
    public static List<String> strings(String value) {
        List<String> strings = new ArrayList<>();
        for (int start = 0; start < value.length(); start += MAX_STRING) {
            strings.add(value.substring(start, Math.min(value.length(), start + MAX_STRING)));
        }
        return strings;
    }

    /**
     * One TXT record in zone-file (RFC 1035 master file) form: the absolute owner name, then
     * the quoted strings in parentheses, one a line. The value is base64 and ASCII, so it holds
     * no quote or backslash to escape.
     */
    public static String zoneFile(String owner, String value) {
        StringBuilder out = new StringBuilder(owner).append(". IN TXT (");
        List<String> strings = strings(value);
        for (int i = 0; i < strings.size(); i++) {
            out.append(i == 0 ? " " : "\n    ").append('"').append(strings.get(i)).append('"');
        }
        return out.append(" )\n").toString();
    }
}
