package org.smimepickup.dkim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ready-to-paste DKIM configuration for PowerMTA, Momentum 4, DNS and OpenDKIM, for a set of
 * domain keys. Output is ASCII with LF line ends and holds public material and file paths only.
 */
public final class DkimSnippets {
    /** The PowerMTA include file that {@code --out} writes. */
    public static final String PMTA_INCLUDE = "pmta-dkim.conf";

    /**
     * Header fields the Momentum stanza signs: From is required (RFC 6376 section 5.4); the
     * Content-* fields are the S/MIME structure, which the MTA sees as it leaves us.
     */
    static final List<String> SIGNED_HEADERS = List.of("from", "sender", "reply-to", "subject",
            "date", "message-id", "to", "cc", "mime-version", "content-type",
            "content-transfer-encoding");

    private final List<DomainKey> keys;

    /** Snippets for {@code keys}, put in PowerMTA's signing order whatever order they came in. */
    public DkimSnippets(List<DomainKey> keys) {
        List<DomainKey> sorted = new ArrayList<>(keys);
        sorted.sort(DomainKey.SIGNING_ORDER);
        this.keys = List.copyOf(sorted);
    }

    /** Every section, each under a {@code ===} label line. */
    public String all() throws DkimException {
        StringBuilder out = new StringBuilder();
        section(out, "PowerMTA: config lines (or include " + PMTA_INCLUDE + ")", powerMta());
        section(out, "Momentum 4: ecelerity.conf", momentum());
        section(out, "DNS: zone file (one TXT record; strings of at most 255 octets)", zone());
        section(out, "DNS: one string, for DNS provider web forms", webForm());
        section(out, "OpenDKIM: KeyTable and SigningTable", openDkim());
        return out.toString();
    }

    /** The PowerMTA lines, also the content of {@link #PMTA_INCLUDE}. */
    public String powerMta() {
        StringBuilder out = new StringBuilder();
        out.append("# The first domain-key whose domain equals or is a parent of the sending\n")
                .append("# domain (Sender:, else From:) signs: specific domains come first.\n");
        for (DomainKey key : keys) {
            out.append("domain-key ").append(key.selector()).append(',').append(key.domain())
                    .append(',').append(key.keyFile()).append('\n');
        }
        out.append("# <domain> names the recipient domain: * signs mail to everyone. If the\n")
                .append("# config already has a <domain *> block, add dkim-sign yes to it\n")
                .append("# instead of this one.\n")
                .append("<domain *>\n    dkim-sign yes\n</domain>\n");
        return out.toString();
    }

    /** The Momentum opendkim module stanza and the switch that turns signing on. */
    public String momentum() throws DkimException {
        List<DomainKey> named = keys.stream().filter(key -> !key.isWildcard()).toList();
        StringBuilder out = new StringBuilder();
        if (named.size() < keys.size()) {
            out.append("# Momentum signs per dkim_domain: the wildcard key has no stanza here;\n")
                    .append("# add a dkim_domain for each sending domain it should cover.\n");
        }
        if (named.isEmpty()) {
            return out.toString();
        }
        out.append("opendkim \"smime-pickup\" {\n")
                .append("    header_canon = \"relaxed\"\n")
                .append("    body_canon = \"relaxed\"\n")
                .append("    headerlist = (").append(quotedList(SIGNED_HEADERS)).append(")\n")
                .append("    digest = \"rsa-sha256\"\n")
                .append("    key = \"").append(momentumKey(named)).append("\"\n");
        for (DomainKey key : named) {
            out.append("    dkim_domain \"").append(key.domain()).append("\" {\n")
                    .append("        selector = \"").append(key.selector()).append("\"\n")
                    .append("    }\n");
        }
        return out.append("}\nopendkim_sign = \"true\"\n").toString();
    }

    /** The TXT records in zone-file form, one per key. */
    public String zone() throws DkimException {
        StringBuilder out = new StringBuilder();
        for (DomainKey key : keys) {
            out.append(zoneRecord(key));
        }
        return out.toString();
    }

    /** The zone-file record of one key, with a note for the wildcard. */
    public static String zoneRecord(DomainKey key) throws DkimException {
        String value = DkimRecord.value(key.publicKeyInfo());
        if (key.isWildcard()) {
            return "; wildcard key: publish this record at " + key.selector()
                    + "._domainkey.DOMAIN for every sending domain it signs for\n"
                    + DkimRecord.zoneFile(key.selector() + "._domainkey.DOMAIN", value);
        }
        return DkimRecord.zoneFile(DkimNames.recordName(key.selector(), key.domain()), value);
    }

    /** Name, type and unquoted value per key, as DNS providers' web forms ask for them. */
    public String webForm() {
        StringBuilder out = new StringBuilder();
        for (DomainKey key : keys) {
            String domain = key.isWildcard() ? "DOMAIN (each sending domain)" : key.domain();
            out.append("Name:  ").append(key.selector()).append("._domainkey.").append(domain)
                    .append('\n').append("Type:  TXT\n")
                    .append("Value: ").append(DkimRecord.value(key.publicKeyInfo()))
                    .append("\n\n");
        }
        return out.toString().stripTrailing() + "\n";
    }

    /** KeyTable and SigningTable lines; the SigningTable is meant as a {@code refile:} table. */
    public String openDkim() {
        StringBuilder keyTable = new StringBuilder("# KeyTable\n");
        StringBuilder signingTable = new StringBuilder("# SigningTable (refile:, first match"
                + " wins; in a plain file write the bare domain instead of *@domain)\n");
        for (DomainKey key : keys) {
            // OpenDKIM puts the message's own domain where a KeyTable entry says %
            String domain = key.isWildcard() ? "%" : key.domain();
            String name = key.selector() + "._domainkey." + domain;
            keyTable.append(name).append(' ').append(domain).append(':').append(key.selector())
                    .append(':').append(key.keyFile()).append('\n');
            signingTable.append(key.isWildcard() ? "*" : "*@" + key.domain()).append(' ')
                    .append(name).append('\n');
        }
        return keyTable.append(signingTable).toString();
    }

    /**
     * Momentum takes one key path for all domains, with %{s} and %{d} filled in: possible when
     * every key is DIR/SELECTOR.DOMAIN.pem, or when there is only one key.
     */
    private static String momentumKey(List<DomainKey> keys) throws DkimException {
        Path dir = keys.get(0).keyFile().getParent();
        boolean patterned = keys.stream().allMatch(key -> key.hasStandardFileName()
                && key.keyFile().getParent().equals(dir));
        if (patterned) {
            return dir.resolve("%{s}.%{d}.pem").toString();
        }
        if (keys.size() == 1) {
            return keys.get(0).keyFile().toString();
        }
        throw new DkimException("keys in different folders or with other names: Momentum takes"
                + " one key path pattern; put them in one folder as SELECTOR.DOMAIN.pem");
    }

    private static String quotedList(List<String> names) {
        return String.join(", ", names.stream().map(name -> "\"" + name + "\"").toList());
    }

    private static void section(StringBuilder out, String label, String body) {
        if (!out.isEmpty()) {
            out.append('\n');
        }
        out.append("=== ").append(label).append(" ===\n").append(body);
    }
}
