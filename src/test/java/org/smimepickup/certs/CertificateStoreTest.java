package org.smimepickup.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.failure.PermanentFailure;

class CertificateStoreTest {
    private static DemoPki ca;
    private static KeyPair caKeys;
    private static KeyPair leafKeys;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() throws Exception {
        ca = new DemoPki("Store Test CA");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        caKeys = generator.generateKeyPair();
        leafKeys = generator.generateKeyPair();
    }

    @Test
    void certificateIsFoundByItsSubjectAlternativeNameUnderAnyFileName() throws Exception {
        X509Certificate issued = ca.issue("Ana@Rcpt.example", 30).certificate();
        DemoPki.writePem(dir.resolve("whatever-name.crt"), false, issued);

        X509Certificate found = store().find("ana@rcpt.example");

        assertThat(found).isEqualTo(issued);
    }

    @Test
    void newestValidCertificateWinsWhenSeveralMatch() throws Exception {
        X509Certificate older = profile("ben@rcpt.example", -10, 30, true, true, true);
        X509Certificate newer = profile("ben@rcpt.example", -1, 30, true, true, true);
        writeSelfIssued("ben-old.crt", older);
        writeSelfIssued("ben-new.crt", newer);

        assertThat(store().find("ben@rcpt.example")).isEqualTo(newer);
    }

    @Test
    void expiredCertificateIsRefusedWithItsFileAndTheCheck() throws Exception {
        writeSelfIssued("cleo@other.example.crt",
                profile("cleo@other.example", -20, -10, true, true, true));

        assertThatThrownBy(() -> store().find("cleo@other.example"))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("cleo@other.example.crt").hasMessageContaining("expired");
    }

    @Test
    void certificateWithoutKeyEnciphermentIsRefused() throws Exception {
        writeSelfIssued("dev@rcpt.example.crt",
                profile("dev@rcpt.example", -1, 30, false, true, true));

        assertThatThrownBy(() -> store().find("dev@rcpt.example"))
                .hasMessageContaining("keyEncipherment");
    }

    @Test
    void certificateWithoutEmailProtectionIsRefused() throws Exception {
        writeSelfIssued("dev@rcpt.example.crt",
                profile("dev@rcpt.example", -1, 30, true, false, true));

        assertThatThrownBy(() -> store().find("dev@rcpt.example"))
                .hasMessageContaining("emailProtection");
    }

    @Test
    void certificateNamedForOneAddressButIssuedForAnotherIsRefused() throws Exception {
        DemoPki.writePem(dir.resolve("ana@rcpt.example.crt"), false,
                ca.issue("mallory@evil.example", 30).certificate());

        assertThatThrownBy(() -> store().find("ana@rcpt.example"))
                .hasMessageContaining("not for ana@rcpt.example");
    }

    @Test
    void certificateOutsideTheTrustedChainIsRefused() throws Exception {
        DemoPki other = new DemoPki("Unrelated CA");
        DemoPki.writePem(dir.resolve("ana@rcpt.example.crt"), false,
                other.issue("ana@rcpt.example", 30).certificate());
        TrustAnchors trust = new TrustAnchors(List.of(ca.caCertificate()), List.of());

        assertThatThrownBy(() -> new CertificateStore(dir, trust).find("ana@rcpt.example"))
                .hasMessageContaining("no valid chain");
    }

    @Test
    void missingCertificateNamesTheAddressAndTheFolder() {
        assertThatThrownBy(() -> store().find("nobody@nocert.example"))
                .hasMessageContaining("nobody@nocert.example").hasMessageContaining(dir.toString());
    }

    @Test
    void addressThatLooksLikeAPathCannotReachOutsideTheFolder() throws Exception {
        Path outside = dir.resolveSibling(dir.getFileName() + "-outside");
        Files.createDirectories(outside);
        DemoPki.writePem(outside.resolve("x@y.example.crt"), false,
                ca.issue("x@y.example", 30).certificate());
        Files.createDirectories(dir.resolve("certs"));

        assertThatThrownBy(() -> new CertificateStore(dir.resolve("certs"), TrustAnchors.NONE)
                .find("../" + outside.getFileName() + "/x@y.example"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("no certificate");
    }

    @Test
    void groupReadablePrivateKeyIsRefusedWithTheChmodThatFixesIt() throws Exception {
        DemoPki.Issued issued = ca.issue("alerts@sender.example", 30);
        Path key = dir.resolve("alerts@sender.example.pem");
        DemoPki.writePem(key, true, issued.keys().getPrivate());
        DemoPki.writePem(dir.resolve("alerts@sender.example.crt"), false, issued.certificate());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        SigningKeys keys = new SigningKeys(dir, KeyMode.parse("0600"), TrustAnchors.NONE);

        assertThatThrownBy(() -> keys.find("alerts@sender.example"))
                .hasMessageContaining("chmod 0600 " + key);
    }

    @Test
    void signingKeyLookupIsCaseInsensitive() throws Exception {
        DemoPki.Issued issued = ca.issue("alerts@sender.example", 30);
        DemoPki.writePem(dir.resolve("alerts@sender.example.pem"), true,
                issued.keys().getPrivate());
        DemoPki.writePem(dir.resolve("alerts@sender.example.crt"), false, issued.certificate());
        SigningKeys keys = new SigningKeys(dir, KeyMode.parse("0600"), TrustAnchors.NONE);

        assertThat(keys.find("Alerts@SENDER.example").certificate())
                .isEqualTo(issued.certificate());
    }

    @Test
    void aCertificateOverwrittenInPlaceIsUsedAtTheNextListing() throws Exception {
        DemoPki.Issued first = ca.issue("ana@rcpt.example", 30);
        DemoPki.Issued second = ca.issue("ana@rcpt.example", 30);
        writeSelfIssued("ana@rcpt.example.crt", first.certificate());
        CertificateStore store = new CertificateStore(dir, TrustAnchors.NONE, Duration.ZERO);
        assertThat(store.find("ana@rcpt.example")).isEqualTo(first.certificate());

        // in place, and the folder's time put back: only the periodic listing can notice
        FileTime folderTime = Files.getLastModifiedTime(dir);
        writeSelfIssued("ana@rcpt.example.crt", second.certificate());
        Files.setLastModifiedTime(dir.resolve("ana@rcpt.example.crt"),
                FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Files.setLastModifiedTime(dir, folderTime);

        assertThat(store.find("ana@rcpt.example")).isEqualTo(second.certificate());
    }

    private CertificateStore store() {
        return new CertificateStore(dir, TrustAnchors.NONE);
    }

    private void writeSelfIssued(String name, X509Certificate certificate) throws Exception {
        DemoPki.writePem(dir.resolve(name), false, certificate);
    }

    /** A certificate with a chosen validity window (days from now) and profile. */
    private static X509Certificate profile(String address, int fromDays, int toDays,
            boolean keyEncipherment, boolean emailProtection, boolean san) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                new X500Name("CN=Profile CA"), BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.plus(Duration.ofDays(fromDays))),
                Date.from(now.plus(Duration.ofDays(toDays))), new X500Name("CN=" + address),
                leafKeys.getPublic());
        if (san) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
        }
        int usage = KeyUsage.digitalSignature | (keyEncipherment ? KeyUsage.keyEncipherment : 0);
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        KeyPurposeId purpose = emailProtection ? KeyPurposeId.id_kp_emailProtection
                : KeyPurposeId.id_kp_serverAuth;
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
    }
}
