package org.smimepickup.dkim;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * One signing domain's DKIM key as the MTAs and DNS see it: selector, domain (or the PowerMTA
 * wildcard), where the private key file lives, and its public half. Holds no private key.
 */
public record DomainKey(String selector, String domain, Path keyFile, byte[] publicKeyInfo,
        int bits) {
    /** File name part that stands for the wildcard domain; '_' never occurs in a domain. */
    public static final String WILDCARD_IN_FILE_NAME = "_wildcard";

    /**
     * PowerMTA's order: the first domain-key whose domain equals or is a parent of the sending
     * domain signs, so deeper domains first, the wildcard last; then by name, for stable output.
     */
    public static final Comparator<DomainKey> SIGNING_ORDER = Comparator
            .comparing(DomainKey::isWildcard)
            .thenComparing(key -> -key.domain().split("\\.").length)
            .thenComparing(DomainKey::domain)
            .thenComparing(DomainKey::selector);

    public DomainKey {
        publicKeyInfo = publicKeyInfo.clone();
    }

    /**
     * A key whose file path can stand in an MTA config line: absolute, and free of the commas,
     * blanks and quotes that would split PowerMTA's {@code domain-key} line.
     */
    public static DomainKey of(String selector, String domain, Path keyFile, RsaKey key)
            throws DkimException {
        Path absolute = keyFile.toAbsolutePath().normalize();
        String text = absolute.toString();
        if (!text.chars().allMatch(c -> c > ' ' && c < 0x7f && c != ',' && c != '"'
                && c != '\'' && c != '\\')) {
            throw new DkimException("key file path unusable in an MTA config: '"
                    + DkimNames.printable(text) + "' has a comma, blank, quote or non-ASCII"
                    + " character; move the key to a plain path such as /etc/pmta/dkim/");
        }
        return new DomainKey(selector, domain, absolute, key.publicKeyInfo(), key.bits());
    }

    /** {@code SELECTOR.DOMAIN.pem}: the key file name that {@code --all} recognises. */
    public static String keyFileName(String selector, String domain) {
        return stem(selector, domain) + ".pem";
    }

    /** {@code SELECTOR.DOMAIN.txt}: the DNS record beside the key. */
    public static String recordFileName(String selector, String domain) {
        return stem(selector, domain) + ".txt";
    }

    public boolean isWildcard() {
        return domain.equals(DkimNames.WILDCARD);
    }

    @Override
    public byte[] publicKeyInfo() {
        return publicKeyInfo.clone();
    }

    /** Whether the file is named {@code SELECTOR.DOMAIN.pem}, as a Momentum key pattern needs. */
    boolean hasStandardFileName() {
        return keyFile.getFileName().toString().equals(keyFileName(selector, domain));
    }

    private static String stem(String selector, String domain) {
        String part = domain.equals(DkimNames.WILDCARD) ? WILDCARD_IN_FILE_NAME : domain;
        return selector + "." + part;
    }
}
