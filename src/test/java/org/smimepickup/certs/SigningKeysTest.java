package org.smimepickup.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing keys in the forms operators have them, each made by openssl (not by us): PKCS#12
 * with a password, encrypted PEM in the traditional and the PKCS#8 form.
 */
class SigningKeysTest {
    private static final String ADDRESS = "alerts@sender.example";
    private static DemoPki ca;

    @TempDir
    Path dir;
    private DemoPki.Issued issued;
    private Path plainKey;
    private Path cert;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = new DemoPki("Signing Keys Test CA");
    }

    @BeforeEach
    void issue() throws Exception {
        issued = ca.issue(ADDRESS, 30);
        Path work = Files.createDirectories(dir.resolve("work"));
        plainKey = work.resolve("plain.key");
        cert = work.resolve("cert.pem");
        DemoPki.writePem(plainKey, true, issued.keys().getPrivate());
        DemoPki.writePem(cert, false, issued.certificate(), ca.caCertificate());
        Files.createDirectories(dir.resolve("keys"));
    }

    @Test
    void pkcs12WithAPasswordFileSignsWithItsKeyAndChain() throws Exception {
        openssl("pkcs12", "-export", "-inkey", plainKey, "-in", cert, "-out",
                keys().resolve(ADDRESS + ".p12"), "-passout", "pass:s3cret");
        secret(ADDRESS + ".p12");
        writeSecret(ADDRESS + ".pass", "s3cret\n");

        SigningIdentity identity = signingKeys().find(ADDRESS);

        assertThat(identity.certificate()).isEqualTo(issued.certificate());
        assertThat(identity.chain()).contains(ca.caCertificate());
    }

    @Test
    void traditionalEncryptedPemIsReadWithItsPassphraseFile() throws Exception {
        openssl("rsa", "-in", plainKey, "-aes256", "-traditional", "-passout", "pass:pw",
                "-out", keys().resolve(ADDRESS + ".pem"));
        pemPair("pw\n");

        assertThat(signingKeys().find(ADDRESS).certificate()).isEqualTo(issued.certificate());
    }

    @Test
    void pkcs8EncryptedPemIsReadWithItsPassphraseFile() throws Exception {
        openssl("pkey", "-in", plainKey, "-aes256", "-passout", "pass:pw", "-out",
                keys().resolve(ADDRESS + ".pem"));
        pemPair("pw\n");

        assertThat(signingKeys().find(ADDRESS).certificate()).isEqualTo(issued.certificate());
    }

    @Test
    void encryptedKeyWithoutPassphraseFileSaysWhereToPutIt() throws Exception {
        openssl("pkey", "-in", plainKey, "-aes256", "-passout", "pass:pw", "-out",
                keys().resolve(ADDRESS + ".pem"));
        secret(ADDRESS + ".pem");
        Files.copy(cert, keys().resolve(ADDRESS + ".crt"));

        assertThatThrownBy(() -> signingKeys().find(ADDRESS)).hasMessageContaining(".pass");
    }

    @Test
    void wrongPassphraseIsReportedWithoutThePassphrase() throws Exception {
        openssl("pkey", "-in", plainKey, "-aes256", "-passout", "pass:right", "-out",
                keys().resolve(ADDRESS + ".pem"));
        pemPair("wrong-one\n");

        assertThatThrownBy(() -> signingKeys().find(ADDRESS))
                .hasMessageContaining("passphrase").hasMessageNotContaining("wrong-one");
    }

    @Test
    void passphraseFileReadableByOthersIsRefused() throws Exception {
        openssl("pkey", "-in", plainKey, "-aes256", "-passout", "pass:pw", "-out",
                keys().resolve(ADDRESS + ".pem"));
        pemPair("pw\n");
        Files.setPosixFilePermissions(keys().resolve(ADDRESS + ".pass"),
                PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> signingKeys().find(ADDRESS))
                .hasMessageContaining("password file " + keys().resolve(ADDRESS + ".pass")
                        + " is readable by others")
                .hasMessageNotContaining("private key")
                .hasMessageContaining("chmod 0600");
    }

    private void pemPair(String passphrase) throws Exception {
        secret(ADDRESS + ".pem");
        Files.copy(cert, keys().resolve(ADDRESS + ".crt"));
        writeSecret(ADDRESS + ".pass", passphrase);
    }

    private SigningKeys signingKeys() {
        return new SigningKeys(keys(), KeyMode.parse("0600"), TrustAnchors.NONE);
    }

    private Path keys() {
        return dir.resolve("keys");
    }

    private void secret(String name) throws Exception {
        Files.setPosixFilePermissions(keys().resolve(name),
                PosixFilePermissions.fromString("rw-------"));
    }

    private void writeSecret(String name, String text) throws Exception {
        Files.writeString(keys().resolve(name), text);
        secret(name);
    }

    private static void openssl(Object... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("openssl %s: %s", command, output).isZero();
    }

    @Test
    void anRsaPssKeyIsRefusedBecauseNoReaderCouldVerifyItsSignatures() throws Exception {
        java.security.KeyPairGenerator generator =
                java.security.KeyPairGenerator.getInstance("RSASSA-PSS");
        generator.initialize(2048);
        java.security.PrivateKey pss = generator.generateKeyPair().getPrivate();
        DemoPki.Issued issued = ca.issue("alerts@sender.example", 30);

        assertThatThrownBy(() -> SigningKeys.matches(pss, issued.certificate()))
                .isInstanceOf(org.smimepickup.failure.PermanentFailure.class)
                .hasMessageContaining("RSASSA-PSS").hasMessageContaining("rsaEncryption");
    }

    @Test
    void aKeyOfAnotherSizeOrKindThanItsCertificateSimplyDoesNotMatch() throws Exception {
        DemoPki.Issued issued = ca.issue("alerts@sender.example", 30);
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(3072);
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(256);

        assertThat(SigningKeys.matches(rsa.generateKeyPair().getPrivate(),
                issued.certificate())).isFalse();
        assertThat(SigningKeys.matches(ec.generateKeyPair().getPrivate(),
                issued.certificate())).isFalse();
        assertThat(SigningKeys.matches(issued.keys().getPrivate(), issued.certificate()))
                .isTrue();
    }

    @Test
    void aKeyPairReplacedFileByFileIsWaitedForNotRefused() throws Exception {
        DemoPki.Issued old = ca.issue("alerts@sender.example", 30);
        DemoPki.Issued renewed = ca.issue("alerts@sender.example", 30);
        Path key = dir.resolve("alerts@sender.example.pem");
        Path cert = dir.resolve("alerts@sender.example.crt");
        DemoPki.writePem(key, true, old.keys().getPrivate());
        DemoPki.writePem(cert, false, old.certificate());
        SigningKeys keys = new SigningKeys(dir, KeyMode.parse("0600"), TrustAnchors.NONE);
        assertThat(keys.find("alerts@sender.example").certificate())
                .isEqualTo(old.certificate());

        // the new key is in place, its certificate follows 300 ms later
        DemoPki.writePem(key, true, renewed.keys().getPrivate());
        Thread later = new Thread(() -> {
            try {
                Thread.sleep(300);
                DemoPki.writePem(cert, false, renewed.certificate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        later.start();
        try {
            assertThat(keys.find("alerts@sender.example").certificate())
                    .isEqualTo(renewed.certificate());
        } finally {
            later.join();
        }
    }

    @Test
    void aMismatchedPairThatIsNotBeingChangedFailsWithTheReason() throws Exception {
        DemoPki.Issued one = ca.issue("alerts@sender.example", 30);
        DemoPki.Issued other = ca.issue("alerts@sender.example", 30);
        Path key = dir.resolve("alerts@sender.example.pem");
        Path cert = dir.resolve("alerts@sender.example.crt");
        DemoPki.writePem(key, true, one.keys().getPrivate());
        DemoPki.writePem(cert, false, other.certificate());
        java.nio.file.attribute.FileTime settled = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(key, settled);
        Files.setLastModifiedTime(cert, settled);
        SigningKeys keys = new SigningKeys(dir, KeyMode.parse("0600"), TrustAnchors.NONE);

        assertThatThrownBy(() -> keys.find("alerts@sender.example"))
                .hasMessageContaining("does not belong");
    }
}
