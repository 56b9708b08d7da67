package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.Gpgsm;
import org.smimepickup.testing.NssCmsutil;
import org.smimepickup.testing.OutputCheck;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * The cases again in the other modes, one {@code once} run each: {@code sign} (read back by
 * openssl, gpgsm and NSS), {@code encrypt}, and sign+encrypt with the {@code missing.cert =
 * sign-only} fallback.
 */
class ModesTest {
    /** Refused in every mode that signs: empty, garbage, path-like From. */
    private static final Set<String> REFUSED_WHEN_SIGNING = Set.of("c16", "c17", "c18");
    /** Refused when only encrypting: no certificate, empty, garbage, invalid From. */
    private static final Set<String> REFUSED_WHEN_ENCRYPTING = Set.of("c14", "c16", "c17",
            "c18");

    @TempDir
    static Path root;
    private static TestPki pki;
    private static BatchRun signed;
    private static BatchRun encrypted;
    private static BatchRun fallback;
    private static Gpgsm gpgsm;
    private static NssCmsutil nss;

    @BeforeAll
    static void runTheCasesInEveryMode() throws Exception {
        pki = TestPki.demo(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        signed = BatchRun.once(layout("sign").set("mode", "sign"), CaseFiles.all());
        encrypted = BatchRun.once(layout("encrypt").set("mode", "encrypt"), CaseFiles.all());
        fallback = BatchRun.once(layout("fallback").set("missing.cert", "sign-only"),
                CaseFiles.only("c10", "c14"));
        gpgsm = new Gpgsm(root.resolve("gnupg"), pki);
        nss = new NssCmsutil(root.resolve("nssdb"), pki);
    }

    private static SpoolLayout layout(String name) throws IOException {
        return SpoolLayout.create(root.resolve(name)).install(pki, List.of(CaseFiles.SENDER));
    }

    @AfterAll
    static void stopGpgAgent() {
        if (gpgsm != null) {
            gpgsm.close();
        }
    }

    @Test
    void signModeMakesDetachedSignaturesThatEveryReaderVerifies() throws IOException {
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN, root.resolve("c-sign"))
                .withReaders(gpgsm, nss);
        assertEveryCase(signed, check, REFUSED_WHEN_SIGNING);
    }

    @Test
    void signModeLabelsTheSignatureSha256() throws IOException {
        byte[] message = message(signed, "c02");
        String type = OutputCheck.contentType(message).replaceAll("\\s+", " ");
        assertThat(type).startsWith("multipart/signed")
                .contains("protocol=\"application/pkcs7-signature\"").contains("micalg=sha-256");
    }

    @Test
    void pickupFileCarriesLeadingDotsWithoutDotStuffing() throws IOException {
        String text = new String(message(signed, "c11"), StandardCharsets.US_ASCII);
        assertThat(text).contains("\r\n.\r\n..\r\n.hidden config line\r\n...and more\r\n")
                .doesNotContain("\r\n...\r\n");
    }

    @Test
    void signModeNeedsNoRecipientCertificate() throws IOException {
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN, root.resolve("c-c14"));
        String name = CaseFiles.name("c14");
        OutputCheck.Report report = check.check(signed.output(name), signed.input(name));
        assertTrue(report.passed(), report::describe);
    }

    @Test
    void encryptModeEncryptsToEveryRecipientWithoutSigning() throws IOException {
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.ENCRYPT,
                root.resolve("c-encrypt"));
        assertEveryCase(encrypted, check, REFUSED_WHEN_ENCRYPTING);
    }

    @Test
    void encryptModeRefusesARecipientWithoutCertificate() throws IOException {
        assertThat(encrypted.reason(CaseFiles.name("c14"))).contains("nobody@nocert.example");
    }

    @Test
    void signOnlyFallbackSignsWithoutEncryptingAndTheLogSaysSo() throws IOException {
        String name = CaseFiles.name("c14");
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN,
                root.resolve("c-fallback"));
        OutputCheck.Report report = check.check(fallback.output(name), fallback.input(name));
        assertTrue(report.passed(), report::describe);
        assertThat(fallback.single(name).line()).contains("not encrypted");
    }

    @Test
    void signOnlyFallbackStillEncryptsWhenEveryRecipientHasACertificate() throws IOException {
        String name = CaseFiles.name("c10");
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN_AND_ENCRYPT,
                root.resolve("c-fallback-c10"));
        OutputCheck.Report report = check.check(fallback.output(name), fallback.input(name));
        assertTrue(report.passed(), report::describe);
    }

    /** Every case either refused with a reason (when listed) or passes {@code check}. */
    private static void assertEveryCase(BatchRun run, OutputCheck check, Set<String> refused)
            throws IOException {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> input : run.inputs().entrySet()) {
            String name = input.getKey();
            String prefix = name.substring(0, 3);
            if (refused.contains(prefix) || prefix.equals("c15") && run.failed(name)) {
                assertThat(run.reason(name)).as(name).isNotBlank();
                continue;
            }
            OutputCheck.Report report = check.check(run.output(name), input.getValue());
            if (!report.passed()) {
                problems.add(name + ":\n  " + report.describe());
            }
        }
        assertEquals(List.of(), problems, () -> String.join("\n", problems));
    }

    private static byte[] message(BatchRun run, String prefix) throws IOException {
        byte[] data = Files.readAllBytes(run.output(CaseFiles.name(prefix)));
        return org.smimepickup.testing.PickupFile.parse(data).message();
    }
}
