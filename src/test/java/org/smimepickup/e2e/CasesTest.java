package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.Gpgsm;
import org.smimepickup.testing.LineRules;
import org.smimepickup.testing.MimeComparison;
import org.smimepickup.testing.NssCmsutil;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.OutputCheck;
import org.smimepickup.testing.SmimeParts;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * Every case in {@code test-fixtures/cases/} through one {@code once} run of the real daemon in
 * the default mode (sign+encrypt, missing.cert = fail), with keys made by the openssl command
 * line; every output read back from disk by openssl, gpgsm and NSS cmsutil.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CasesTest {
    /** Where {@code keys/../../../etc/passwd@sender.example.pem} points in our layout. */
    private static final String BAIT = "etc/passwd@sender.example";

    @TempDir
    static Path root;
    private TestPki pki;
    private BatchRun run;
    private Gpgsm gpgsm;
    private OutputCheck check;

    @BeforeAll
    void runEveryCaseOnce() throws Exception {
        pki = TestPki.openssl(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        SpoolLayout layout = SpoolLayout.create(root.resolve("daemon"))
                .install(pki, List.of(CaseFiles.SENDER));
        plantBait(layout);
        run = BatchRun.once(layout, CaseFiles.all());
        gpgsm = new Gpgsm(root.resolve("gnupg"), pki);
        NssCmsutil nss = new NssCmsutil(root.resolve("nssdb"), pki);
        check = new OutputCheck(pki, OutputCheck.Mode.SIGN_AND_ENCRYPT, root.resolve("checks"))
                .withReaders(gpgsm, nss);
    }

    /** A valid key where a path-trick address resolves to: using it would be a breach. */
    private void plantBait(SpoolLayout layout) throws IOException {
        Path bait = Files.createDirectories(layout.root().resolve(BAIT).getParent());
        TestPki.Identity sender = pki.identity(CaseFiles.SENDER);
        Files.copy(sender.key(), bait.resolve("passwd@sender.example.pem"));
        Files.copy(sender.certificate(), bait.resolve("passwd@sender.example.crt"));
    }

    @AfterAll
    void stopGpgAgent() {
        if (gpgsm != null) {
            gpgsm.close();
        }
    }

    /** Round trip through openssl, gpgsm and NSS; returns the report for further checks. */
    private OutputCheck.Report roundTrip(String prefix) throws IOException {
        String name = CaseFiles.name(prefix);
        OutputCheck.Report report = check.check(run.output(name), run.input(name));
        assertTrue(report.passed(), () -> name + ":\n  " + report.describe());
        return report;
    }

    @Test
    void everyFileEndsInDoneOrFailedAndOnceReportsTheFailures() throws IOException {
        assertEquals(2, run.exit(), "once exits 2 when some files failed");
        for (String name : run.inputs().keySet()) {
            String outcome = run.single(name).outcome();
            assertThat(outcome).as(name).isIn("done", "failed");
        }
        try (var inbox = Files.list(run.layout().spool())) {
            assertThat(inbox.filter(Files::isRegularFile)).as("files left in the inbox")
                    .isEmpty();
        }
    }

    @Test
    void lfOnlyTextIsSignedOverCanonicalCrlfAndVerifiesInBinaryMode() throws IOException {
        OutputCheck.Report report = roundTrip("c01");
        SmimeParts.Detached parts = SmimeParts.detached(report.signedEntity());
        Path data = Files.write(report.folder().resolve("c01-data"), parts.data());
        Path signature = Files.write(report.folder().resolve("c01.p7s"),
                Base64.getMimeDecoder().decode(parts.signatureBase64()));
        ExternalTool.Result binary = OpensslCms.verifyDetachedBinary(signature, data,
                pki.caCertificate());
        assertTrue(binary.ok(), () -> "openssl cms -verify -binary: " + binary.lastWords());
    }

    @Test
    void nestedMultipartVerifiesFromDiskInEveryReader() throws IOException {
        roundTrip("c02");
    }

    @Test
    void binaryAttachmentLabelledSevenBitKeepsItsExactBytes() throws IOException {
        OutputCheck.Report report = roundTrip("c03");
        String name = CaseFiles.name("c03");
        List<byte[]> want = MimeComparison.leaves(PickupFileOf(run.input(name)));
        List<byte[]> got = MimeComparison.leaves(report.content());
        assertEquals(want.size(), got.size(), "number of leaves");
        for (int i = 0; i < want.size(); i++) {
            assertTrue(Arrays.equals(want.get(i), got.get(i)) || isText(i, want, got),
                    "leaf " + i + " differs");
        }
        assertThat(got.stream().anyMatch(b -> containsNul(b)))
                .as("the binary attachment (with NUL bytes) survives").isTrue();
    }

    @Test
    void eightBitUtf8AlternativeBecomesSevenBitWithIdenticalText() throws IOException {
        OutputCheck.Report report = roundTrip("c04");
        assertThat(LineRules.checkSigned(report.signedEntity())).isEmpty();
    }

    @Test
    void singlePartJapaneseKeepsItsSubjectByteForByte() throws IOException {
        OutputCheck.Report report = roundTrip("c05");
        String name = CaseFiles.name("c05");
        assertEquals(headerLine(run.input(name), "Subject"),
                headerLine(report.pickup().message(), "Subject"));
    }

    @Test
    void longHtmlLineIsWrappedInsideTheSmimePartsOnly() throws IOException {
        OutputCheck.Report report = roundTrip("c06");
        assertThat(LineRules.longestLine(SmimeParts.body(report.pickup().message())))
                .as("longest line of the enveloped body").isLessThanOrEqualTo(78);
        assertThat(LineRules.longestLine(report.plaintext()))
                .as("longest line of the signed entity").isLessThanOrEqualTo(78);
    }

    @Test
    void trackingHeadersStayOutsideByteIdenticalAndTheSignedPartHasOneContentType()
            throws IOException {
        OutputCheck.Report report = roundTrip("c07");
        String name = CaseFiles.name("c07");
        for (String header : List.of("X-Job", "X-Virtual-MTA", "X-Campaign-Id")) {
            assertEquals(headerLine(run.input(name), header),
                    headerLine(report.pickup().message(), header), header);
        }
        byte[] signedData = SmimeParts.detached(report.signedEntity()).data();
        assertEquals(1, countHeader(signedData, "Content-Type"),
                "Content-Type fields in the signed entity");
    }

    @Test
    void encryptingKeepsMessageIdDateAndEveryAttachment() throws IOException {
        OutputCheck.Report report = roundTrip("c08");
        String name = CaseFiles.name("c08");
        for (String header : List.of("Message-ID", "Date", "X-Campaign")) {
            assertEquals(headerLine(run.input(name), header),
                    headerLine(report.pickup().message(), header), header);
        }
    }

    @Test
    void pickupFormatInputKeepsItsEnvelopeAndBothReceiversDecrypt() throws IOException {
        OutputCheck.Report report = roundTrip("c09");
        assertEquals("alerts@sender.example", report.pickup().sender());
        assertThat(report.pickup().receivers())
                .containsExactlyInAnyOrder("ana@rcpt.example", "ben@rcpt.example");
        assertThat(report.pickup().values("x-job")).containsExactly("batch-2026-12-03");
        assertThat(report.pickup().values("x-virtual-mta")).containsExactly("vmta-smime");
    }

    @Test
    void bccRecipientCanDecryptButIsNotInTheHeaders() throws IOException {
        OutputCheck.Report report = roundTrip("c10");
        assertThat(report.pickup().receivers()).containsExactlyInAnyOrder("ana@rcpt.example",
                "ben@rcpt.example", "cleo@other.example", "dev@rcpt.example");
        assertThat(ascii(report.pickup().message())).doesNotContainIgnoringCase("\nBcc:");
        TestPki.Identity bcc = pki.identity("dev@rcpt.example");
        Path message = Files.write(report.folder().resolve("as-dev.eml"),
                report.pickup().message());
        assertTrue(OpensslCms.decrypt(message, bcc).ok(), "the Bcc recipient decrypts");
    }

    @Test
    void leadingDotsSurviveTheRoundTrip() throws IOException {
        OutputCheck.Report report = roundTrip("c11");
        assertThat(ascii(report.content())).contains("\r\n.\r\n..\r\n.hidden config line\r\n"
                + "...and more\r\n");
    }

    @Test
    void mixedLineEndingsAndBareCrComeOutAsCrlfOnly() throws IOException {
        OutputCheck.Report report = roundTrip("c12");
        assertEquals(-1, LineRules.bareLineEnd(report.plaintext()), "bare CR/LF in plaintext");
    }

    @Test
    void missingDateAndMessageIdAreAdded() throws IOException {
        OutputCheck.Report report = roundTrip("c13");
        String message = ascii(report.pickup().message());
        assertThat(message).containsIgnoringCase("\r\nDate: ")
                .containsIgnoringCase("\r\nMessage-ID: <");
    }

    @Test
    void recipientWithoutCertificateFailsNamingTheAddressAndTheCertsFolder()
            throws IOException {
        String reason = run.reason(CaseFiles.name("c14"));
        assertThat(reason).contains("nobody@nocert.example")
                .contains(run.layout().certs().toString());
    }

    @Test
    void malformedMimeFailsWithReasonOrGoesThroughUnchanged() throws IOException {
        String name = CaseFiles.name("c15");
        if (run.failed(name)) {
            assertThat(run.reason(name)).isNotBlank();
        } else {
            roundTrip("c15");
        }
    }

    @Test
    void emptyFileFailsAsEmpty() throws IOException {
        assertThat(run.reason(CaseFiles.name("c16"))).containsIgnoringCase("empty");
    }

    @Test
    void binaryGarbageFailsWithAReason() throws IOException {
        assertThat(run.reason(CaseFiles.name("c17"))).isNotBlank();
    }

    @Test
    void pathLikeAddressFailsWithNoKeyAndTheBaitKeyIsNeverUsed() throws IOException {
        assertThat(run.reason(CaseFiles.name("c18"))).contains("no key for");
        assertThat(run.failed(CaseFiles.name("c18"))).isTrue();
        // a done line (with action=) for that sender would mean the bait key signed
        assertThat(run.log().text()).doesNotContainPattern("passwd@sender.example> rcpts=\\d+"
                + " action=");
    }

    @Test
    void headersWithAnEmptyBodyAreSecuredNormally() throws IOException {
        roundTrip("c19");
    }

    private static byte[] PickupFileOf(byte[] input) {
        return org.smimepickup.testing.PickupFile.parse(input).message();
    }

    private static boolean isText(int i, List<byte[]> want, List<byte[]> got) {
        String a = ascii(want.get(i)).replace("\r\n", "\n").stripTrailing();
        String b = ascii(got.get(i)).replace("\r\n", "\n").stripTrailing();
        return a.equals(b) && !containsNul(want.get(i));
    }

    private static boolean containsNul(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /** The raw header field {@code name} (with folding) from the header block, or null. */
    static String headerLine(byte[] message, String name) {
        String head = ascii(message).split("\r?\n\r?\n", 2)[0];
        String[] lines = head.split("\r?\n(?![ \t])");
        for (String line : lines) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.replaceAll("\r?\n", "\n");
            }
        }
        return null;
    }

    private static int countHeader(byte[] entity, String name) {
        String head = ascii(entity).split("\r\n\r\n", 2)[0];
        return (int) Arrays.stream(head.split("\r\n"))
                .filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .count();
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
