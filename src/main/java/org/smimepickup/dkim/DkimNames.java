package org.smimepickup.dkim;

import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks selectors and signing domains before they reach a DNS name or an MTA config line. Both
 * are dot-separated labels of letters, digits and inner hyphens (RFC 6376 section 3.1, RFC 5321
 * sub-domain), at most 63 octets a label.
 */
public final class DkimNames {
    /** The PowerMTA domain-key wildcard: signs for any sending domain without its own key. */
    public static final String WILDCARD = "*";

    private static final Pattern LABEL =
            Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final int MAX_NAME = 253;

    private DkimNames() {
    }

    /** The selector as given, or why it cannot be one. */
    public static String selector(String selector) throws DkimException {
        if (selector == null || selector.isEmpty()) {
            throw new DkimException("no selector: give one with --selector, for example s2026");
        }
        if (!labels(selector)) {
            throw new DkimException("invalid selector: '" + printable(selector) + "': use"
                    + " letters, digits and inner hyphens, in labels of at most 63 characters"
                    + " separated by dots (RFC 6376), for example s2026 or mail-2026");
        }
        return selector;
    }

    /**
     * The signing domain in lower case without a trailing dot, {@link #WILDCARD} when
     * {@code wildcardAllowed}, or why it cannot be one.
     */
    public static String domain(String domain, boolean wildcardAllowed) throws DkimException {
        if (domain == null || domain.isEmpty()) {
            throw new DkimException("no domain: give the sending domain with --domain, for"
                    + " example example.com");
        }
        if (domain.equals(WILDCARD)) {
            if (wildcardAllowed) {
                return WILDCARD;
            }
            throw new DkimException("invalid domain: '*' is only a PowerMTA wildcard; name a"
                    + " real sending domain here");
        }
        String name = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (!name.chars().allMatch(c -> c < 0x80)) {
            throw new DkimException("invalid domain: '" + printable(domain) + "': write it in"
                    + " its ASCII (xn--) form" + aLabelHint(name));
        }
        if (!labels(name) || name.indexOf('.') < 0) {
            throw new DkimException("invalid domain: '" + printable(domain) + "': use at least"
                    + " two labels of letters, digits and inner hyphens, for example example.com");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** The DNS owner name of the key record, or why it would be too long for DNS. */
    public static String recordName(String selector, String domain) throws DkimException {
        String name = selector + "._domainkey." + domain;
        if (name.length() > MAX_NAME) {
            throw new DkimException("name too long for DNS: " + name.length() + " octets in "
                    + name + " (at most " + MAX_NAME + "); choose a shorter selector");
        }
        return name;
    }

    private static boolean labels(String name) {
        if (name.length() > MAX_NAME) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String aLabelHint(String name) {
        try {
            return ", here: " + IDN.toASCII(name);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Keeps control characters out of the terminal when echoing what the operator typed. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 80 ? out + "..." : out.toString();
    }
}
