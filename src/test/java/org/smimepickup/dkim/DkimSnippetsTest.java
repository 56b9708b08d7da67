package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DkimSnippetsTest {
    private static final Path KEYS = Path.of("/etc/pmta/dkim");
    private static RsaKey key;

    @BeforeAll
    static void oneKeyForAll() throws Exception {
        key = DkimKeyFile.generate(2048, false);
    }

    @Test
    void powerMtaListsDeeperDomainsBeforeTheirParentsAndTheWildcardLast() throws Exception {
        DkimSnippets snippets = new DkimSnippets(List.of(standard("s1", "*"),
                standard("s1", "example.com"), standard("s2", "news.mail.example.com"),
                standard("s1", "example.org"), standard("s1", "mail.example.com")));

        List<String> lines = Arrays.stream(snippets.powerMta().split("\n"))
                .filter(line -> line.startsWith("domain-key ")).toList();

        assertThat(lines).containsExactly(
                "domain-key s2,news.mail.example.com,/etc/pmta/dkim/s2.news.mail.example.com.pem",
                "domain-key s1,mail.example.com,/etc/pmta/dkim/s1.mail.example.com.pem",
                "domain-key s1,example.com,/etc/pmta/dkim/s1.example.com.pem",
                "domain-key s1,example.org,/etc/pmta/dkim/s1.example.org.pem",
                "domain-key s1,*,/etc/pmta/dkim/s1._wildcard.pem");
        assertThat(snippets.powerMta()).endsWith("<domain *>\n    dkim-sign yes\n</domain>\n");
    }

    @Test
    void momentumGetsOneStanzaWithAKeyPatternAndRelaxedCanonicalisation() throws Exception {
        DkimSnippets snippets = new DkimSnippets(List.of(standard("s1", "example.org"),
                standard("s2", "example.com")));

        String momentum = snippets.momentum();

        assertThat(momentum).startsWith("opendkim \"smime-pickup\" {\n")
                .contains("    header_canon = \"relaxed\"\n", "    body_canon = \"relaxed\"\n",
                        "    digest = \"rsa-sha256\"\n",
                        "    key = \"/etc/pmta/dkim/%{s}.%{d}.pem\"\n",
                        "    dkim_domain \"example.com\" {\n        selector = \"s2\"\n    }\n")
                .containsPattern("headerlist = \\(\"from\", ")
                .endsWith("}\nopendkim_sign = \"true\"\n");
        assertThat(momentum.indexOf("example.com")).isLessThan(momentum.indexOf("example.org"));
    }

    @Test
    void momentumTakesALiteralPathForASingleKeyWithAnotherName() throws Exception {
        DomainKey odd = DomainKey.of("s1", "example.com", Path.of("/srv/keys/dkim.pem"), key);

        assertThat(new DkimSnippets(List.of(odd)).momentum())
                .contains("    key = \"/srv/keys/dkim.pem\"\n");
    }

    @Test
    void momentumRefusesKeysThatNoPatternCovers() throws Exception {
        DomainKey one = DomainKey.of("s1", "example.com", Path.of("/a/s1.example.com.pem"), key);
        DomainKey two = DomainKey.of("s1", "example.org", Path.of("/b/s1.example.org.pem"), key);

        assertThatThrownBy(() -> new DkimSnippets(List.of(one, two)).momentum())
                .hasMessageContaining("one folder as SELECTOR.DOMAIN.pem");
    }

    @Test
    void theWildcardHasNoMomentumStanzaButANoteAndAPlaceholderRecord() throws Exception {
        DkimSnippets snippets = new DkimSnippets(List.of(standard("s1", "*")));

        assertThat(snippets.momentum()).startsWith("# Momentum signs per dkim_domain")
                .doesNotContain("opendkim \"");
        assertThat(snippets.zone()).startsWith("; wildcard key: publish this record at"
                + " s1._domainkey.DOMAIN for every sending domain")
                .contains("\ns1._domainkey.DOMAIN. IN TXT ( \"v=DKIM1; k=rsa; p=");
        assertThat(snippets.openDkim()).contains("s1._domainkey.% %:s1:/etc/pmta/dkim/"
                + "s1._wildcard.pem\n").contains("\n* s1._domainkey.%\n");
    }

    @Test
    void openDkimTablesNameTheKeyAndTheSigningAddresses() throws Exception {
        String openDkim = new DkimSnippets(List.of(standard("s1", "example.com"))).openDkim();

        assertThat(openDkim).contains("# KeyTable\ns1._domainkey.example.com example.com:s1:"
                + "/etc/pmta/dkim/s1.example.com.pem\n")
                .endsWith("\n*@example.com s1._domainkey.example.com\n");
    }

    @Test
    void everySectionIsLabelledAndTheWebFormValueIsOneUnquotedString() throws Exception {
        DomainKey example = standard("s1", "example.com");

        String all = new DkimSnippets(List.of(example)).all();

        assertThat(all.lines().filter(line -> line.startsWith("=== ")).toList())
                .containsExactly("=== PowerMTA: config lines (or include pmta-dkim.conf) ===",
                        "=== Momentum 4: ecelerity.conf ===",
                        "=== DNS: zone file (one TXT record; strings of at most 255 octets) ===",
                        "=== DNS: one string, for DNS provider web forms ===",
                        "=== OpenDKIM: KeyTable and SigningTable ===");
        assertThat(all).contains("Name:  s1._domainkey.example.com\nType:  TXT\nValue: "
                + DkimRecord.value(key.publicKeyInfo()) + "\n");
        assertThat(all).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aKeyPathThatWouldSplitTheDomainKeyLineIsRefused() {
        assertThatThrownBy(() -> DomainKey.of("s1", "example.com",
                Path.of("/etc/pmta/my keys/s1,x.pem"), key))
                .hasMessageStartingWith("key file path unusable in an MTA config");
    }

    private static DomainKey standard(String selector, String domain) throws DkimException {
        return DomainKey.of(selector, domain, KEYS.resolve(DomainKey.keyFileName(selector,
                domain)), key);
    }
}
