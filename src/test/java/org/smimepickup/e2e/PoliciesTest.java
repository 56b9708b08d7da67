package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.PickupFile;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * Per-sender and per-recipient policies and the crypto options they choose, read back with
 * {@code openssl cms}: {@code -cmsout -print} for algorithms and recipient identifiers, decrypt
 * and verify for the content. One daemon run holds every policy; each input is addressed so
 * that exactly one policy applies to it.
 */
class PoliciesTest {
    private static final String ANA = "ana@rcpt.example";
    private static final String BEN = "ben@rcpt.example";
    private static final String CLEO = "cleo@other.example";
    private static final String DEV = "dev@rcpt.example";
    private static final String NOBODY = "nobody@nocert.example";

    @TempDir
    static Path root;
    private static TestPki pki;
    private static BatchRun run;

    @BeforeAll
    static void runEveryPolicyOnce() throws Exception {
        pki = TestPki.demo(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        SpoolLayout layout = SpoolLayout.create(root.resolve("spool"))
                .install(pki, List.of(CaseFiles.SENDER))
                .set("policy.gcm.recipient", BEN).set("policy.gcm.cipher", "aes256-gcm")
                .set("policy.oaep.recipient", CLEO).set("policy.oaep.key.transport", "rsa-oaep")
                .set("policy.oaep.digest", "sha512")
                .set("policy.opaque.recipient", DEV).set("policy.opaque.mode", "sign")
                .set("policy.opaque.signature", "opaque")
                .set("policy.split.recipient", ANA + ", " + NOBODY)
                .set("policy.split.missing.cert", "split")
                .set("policy.control.sender", "@sender.example")
                .set("policy.control.recipient", "@other.example")
                .set("policy.control.control.header", "true")
                .set("policy.self.recipient", BEN + ", " + DEV)
                .set("policy.self.encrypt.to.sender", "true");
        run = BatchRun.once(layout, Map.of(
                "gcm.eml", message(BEN, ""),
                "oaep.eml", message(CLEO, ""),
                "opaque.eml", message(DEV, ""),
                "split.eml", message(ANA + ", " + NOBODY, ""),
                "default.eml", message(ANA, ""),
                "self.eml", message(BEN + ", " + DEV, ""),
                "control.eml", message(CLEO + ", " + "x@other.example", "X-SMIME-Mode: sign\r\n")));
    }

    @Test
    void defaultIsAesCbcWithPkcs1KeyTransportAndSha256() throws IOException {
        Path out = message(run.output("default.eml"));
        String print = OpensslCms.print(out);

        assertThat(print).contains("aes-256-cbc").contains("rsaEncryption")
                .doesNotContainIgnoringCase("des-").doesNotContainIgnoringCase("rc2");
        assertThat(print).contains("issuerAndSerialNumber").doesNotContain("subjectKeyIdentifier");
        String signed = decrypt(out, ANA);
        assertThat(signed).contains("micalg=sha-256");
        assertThat(OpensslCms.print(write("signed-default.eml", signed)))
                .contains("sha256").contains("S/MIME Capabilities");
    }

    @Test
    void encryptToSenderAddsTheSenderAsAReaderButNotAsARecipient() throws IOException {
        Path output = run.output("self.eml");
        Path out = message(output);

        assertThat(pickup(output).receivers()).containsExactlyInAnyOrder(BEN, DEV);
        assertThat(decrypt(out, CaseFiles.SENDER)).isEqualTo(decrypt(out, BEN));
        assertThat(decrypt(out, DEV)).contains("multipart/signed");
    }

    @Test
    void gcmGoesOutOnlyAsAuthEnvelopedData() throws IOException {
        Path out = message(run.output("gcm.eml"));
        String header = header(out);
        String print = OpensslCms.print(out);

        assertThat(header).contains("smime-type=authEnveloped-data");
        assertThat(print).contains("id-smime-ct-authEnvelopedData").contains("aes-256-gcm")
                .doesNotContain("envelopedData:");
        assertThat(decrypt(out, BEN)).contains("multipart/signed");
    }

    @Test
    void oaepCarriesExplicitSha256ParametersAndDecrypts() throws IOException {
        Path out = message(run.output("oaep.eml"));
        String print = OpensslCms.print(out);

        assertThat(print).contains("rsaesOaep").contains("sha256").contains("mgf1");
        String signed = decrypt(out, CLEO);
        assertThat(signed).contains("micalg=sha-512");
        assertThat(OpensslCms.print(write("signed-oaep.eml", signed))).contains("sha512");
        assertThat(OpensslCms.verify(write("verify-oaep.eml", signed), pki.caCertificate(),
                false).ok()).isTrue();
    }

    @Test
    void opaqueSigningEncapsulatesTheContentAndVerifies() throws IOException {
        Path out = message(run.output("opaque.eml"));

        assertThat(header(out)).contains("smime-type=signed-data");
        ExternalTool.Result verified = OpensslCms.verify(out, pki.caCertificate(), false);
        assertThat(verified.ok()).as(verified.lastWords()).isTrue();
        assertThat(verified.stdoutText()).contains("Policy body");
    }

    @Test
    void splitSendsEncryptedToCertificateHoldersAndSignedToTheRest() throws IOException {
        PickupFile encrypted = pickup(run.output(first("-encrypted.eml")));
        PickupFile signed = pickup(run.output(first("-signed.eml")));

        assertThat(encrypted.receivers()).containsExactly(ANA);
        assertThat(signed.receivers()).containsExactly(NOBODY);
        Path encryptedMessage = write("split-enc.eml", encrypted.message());
        assertThat(decrypt(encryptedMessage, ANA)).contains("multipart/signed");
        Path signedMessage = write("split-sig.eml", signed.message());
        assertThat(header(signedMessage)).contains("multipart/signed");
        assertThat(OpensslCms.verify(signedMessage, pki.caCertificate(), false).ok()).isTrue();
        assertThat(run.log().text()).contains("split (1 encrypted, 1 signed only)");
    }

    @Test
    void controlHeaderChoosesTheModeWhenAllowedAndNeverLeaves() throws IOException {
        Path out = message(run.output("control.eml"));

        assertThat(header(out)).contains("multipart/signed").doesNotContain("X-SMIME-Mode");
        assertThat(OpensslCms.verify(out, pki.caCertificate(), false).ok()).isTrue();
    }

    private static String first(String suffix) throws IOException {
        try (var names = Files.list(run.layout().spool().resolve("done"))) {
            return names.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .findFirst().orElseThrow(() -> new AssertionError("no done file " + suffix));
        }
    }

    private static byte[] message(String to, String extraHeader) {
        return ("From: Alerts <" + CaseFiles.SENDER + ">\r\nTo: " + to + "\r\n" + extraHeader
                + "Subject: Policy test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nPolicy body\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static PickupFile pickup(Path file) throws IOException {
        return PickupFile.parse(Files.readAllBytes(file));
    }

    /** The message part of a pickup file, written alone for openssl. */
    private static Path message(Path pickupFile) throws IOException {
        return write(pickupFile.getFileName() + ".msg", pickup(pickupFile).message());
    }

    private static String header(Path message) throws IOException {
        String text = Files.readString(message, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n"));
    }

    private static String decrypt(Path message, String recipient) {
        ExternalTool.Result result = OpensslCms.decrypt(message, pki.identity(recipient));
        assertThat(result.ok()).as("%s decrypts: %s", recipient, result.lastWords()).isTrue();
        return result.stdoutText();
    }

    private static Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Path write(String name, byte[] data) throws IOException {
        Path file = root.resolve(name);
        Files.write(file, data);
        return file;
    }
}
