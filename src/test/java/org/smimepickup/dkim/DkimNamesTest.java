package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DkimNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"s2026", "mail-2026", "a", "2026", "eu.s1", "S1"})
    void selectorsOfLettersDigitsAndInnerHyphensAreAccepted(String selector) throws Exception {
        assertThat(DkimNames.selector(selector)).isEqualTo(selector);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s_1", "-s1", "s1-", "s1.", ".s1", "s..1", "s 1", "s1;p=x", "sé",
        "s1._domainkey"})
    void selectorsOutsideRfc6376AreRefusedWithAnExample(String selector) {
        assertThatThrownBy(() -> DkimNames.selector(selector))
                .isInstanceOf(DkimException.class)
                .hasMessageStartingWith("invalid selector: '")
                .hasMessageContaining("for example s2026");
    }

    @Test
    void aSelectorLabelLongerThan63OctetsIsRefused() throws Exception {
        assertThatThrownBy(() -> DkimNames.selector("s".repeat(64)))
                .hasMessageStartingWith("invalid selector");
        assertThat(DkimNames.selector("s".repeat(63))).hasSize(63);
    }

    @Test
    void aMissingSelectorSaysWhichOptionGivesIt() {
        assertThatThrownBy(() -> DkimNames.selector("")).hasMessageContaining("--selector");
    }

    @Test
    void domainsAreLowerCasedAndLoseTheirTrailingDot() throws Exception {
        assertThat(DkimNames.domain("Mail.Example.COM.", false)).isEqualTo("mail.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example", "exa_mple.com", "-x.example.com", "example..com",
        "example.com/evil", "example.com,other", "ex ample.com", "example.com\n"})
    void domainsThatAreNotHostNamesAreRefused(String domain) {
        assertThatThrownBy(() -> DkimNames.domain(domain, false))
                .hasMessageStartingWith("invalid domain: '");
    }

    @Test
    void controlCharactersInARefusedNameAreShownEscaped() {
        assertThatThrownBy(() -> DkimNames.domain("example.com\n", false))
                .hasMessageContaining("example.com\\u000a");
    }

    @Test
    void anInternationalDomainIsRefusedWithItsAsciiForm() {
        assertThatThrownBy(() -> DkimNames.domain("bücher.example", false))
                .hasMessageContaining("xn--bcher-kva.example");
    }

    @Test
    void theWildcardIsADomainOnlyWhereItIsAllowed() throws Exception {
        assertThat(DkimNames.domain("*", true)).isEqualTo(DkimNames.WILDCARD);
        assertThatThrownBy(() -> DkimNames.domain("*", false))
                .hasMessageContaining("PowerMTA wildcard");
        assertThatThrownBy(() -> DkimNames.domain("*.example.com", true))
                .hasMessageStartingWith("invalid domain");
    }

    @Test
    void aRecordNameLongerThanDnsAllowsIsRefused() throws Exception {
        String domain = String.join(".", "a".repeat(60), "b".repeat(60), "c".repeat(60),
                "example.com");
        assertThat(DkimNames.recordName("s1", domain)).startsWith("s1._domainkey.");
        assertThatThrownBy(() -> DkimNames.recordName("s".repeat(63), domain))
                .hasMessageStartingWith("name too long for DNS");
    }
}
