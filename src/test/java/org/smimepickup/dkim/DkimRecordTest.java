package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DkimRecordTest {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    @ParameterizedTest
    @ValueSource(ints = {1024, 2048, 3072, 4096})
    void zoneFileStringsAreAtMost255OctetsAndJoinToTheRecord(int bits) throws Exception {
        RsaKey key = DkimKeyFile.generate(bits, true);
        String value = DkimRecord.value(key.publicKeyInfo());

        String zone = DkimRecord.zoneFile("s1._domainkey.example.com", value);

        List<String> strings = quotedStrings(zone);
        assertThat(strings).allSatisfy(s ->
                assertThat(s.getBytes(StandardCharsets.US_ASCII).length).isLessThanOrEqualTo(255));
        assertThat(String.join("", strings)).isEqualTo(value);
        assertThat(strings).hasSize((value.length() + 254) / 255);
    }

    @ParameterizedTest
    @ValueSource(ints = {2048, 4096})
    void aLongValueIsOneRecordWithSeveralStrings(int bits) throws Exception {
        String value = DkimRecord.value(DkimKeyFile.generate(bits, false).publicKeyInfo());

        String zone = DkimRecord.zoneFile("s1._domainkey.example.com", value);

        assertThat(zone).startsWith("s1._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p=")
                .endsWith("\" )\n");
        assertThat(zone.split("IN TXT", -1)).hasSize(2);
        assertThat(quotedStrings(zone)).hasSizeGreaterThan(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 254, 255, 256, 510, 511})
    void splittingKeepsEveryOctetInOrder(int length) {
        String value = "x".repeat(length);

        List<String> strings = DkimRecord.strings(value);

        assertThat(String.join("", strings)).isEqualTo(value);
        assertThat(strings).allSatisfy(s -> assertThat(s.length()).isBetween(1, 255));
    }

    private static List<String> quotedStrings(String zone) {
        List<String> strings = new ArrayList<>();
        Matcher matcher = QUOTED.matcher(zone);
        while (matcher.find()) {
            strings.add(matcher.group(1));
        }
        return strings;
    }
}
