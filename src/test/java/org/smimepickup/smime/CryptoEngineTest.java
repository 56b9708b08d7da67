package org.smimepickup.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.certs.SigningIdentity;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.OpensslCms;

/**
 * The OpenSSL signing engine against the JDK and against {@code openssl cms}: same signatures,
 * verifiable output, safe on several threads, and the JDK wherever OpenSSL cannot be used.
 */
class CryptoEngineTest {
    private static final byte[] ENTITY = ("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            + "Quarterly figures attached.\r\n").getBytes(StandardCharsets.US_ASCII);

    private static DemoPki ca;
    private static DemoPki.Issued author;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        ca = new DemoPki("signing engine test CA");
        author = ca.issue("author@sender.example", 30);
    }

    private static void requireLibcrypto() {
        assumeTrue(LibCrypto.problem() == null, "OpenSSL libcrypto 3 is not loadable here ("
                + LibCrypto.problem() + "): apt-get install libssl3");
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void opensslGivesTheJdksRsaSignatureByteForByte(DigestAlgorithm digest) throws Exception {
        requireLibcrypto();
        KeyPair keys = author.keys();
        OpensslKey key = OpensslKey.load(keys.getPrivate(), keys.getPublic(), digest);
        byte[] data = "signed attributes stand-in".getBytes(StandardCharsets.US_ASCII);

        Signature jdk = Signature.getInstance(digest.signatureAlgorithm("RSA"));
        jdk.initSign(keys.getPrivate());
        jdk.update(data);

        // PKCS#1 v1.5 is deterministic: equal bytes prove the same key, digest and padding
        assertThat(key.sign(digest, data)).isEqualTo(jdk.sign());
    }

    @Test
    void ecKeysSignToo() throws Exception {
        requireLibcrypto();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        OpensslKey key = OpensslKey.load(keys.getPrivate(), keys.getPublic(),
                DigestAlgorithm.SHA256);
        byte[] data = "ecdsa".getBytes(StandardCharsets.US_ASCII);

        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(keys.getPublic());
        verifier.update(data);
        assertThat(verifier.verify(key.sign(DigestAlgorithm.SHA256, data))).isTrue();
    }

    @Test
    void opensslWrapsContentKeysTheJdkUnwrapsAndNeverTheSameBytesTwice() throws Exception {
        requireLibcrypto();
        OpensslKeyWrapper wrapper = OpensslKeyWrapper.load(author.certificate());
        javax.crypto.Cipher unwrap = javax.crypto.Cipher.getInstance("RSA/ECB/PKCS1Padding");
        unwrap.init(javax.crypto.Cipher.DECRYPT_MODE, author.keys().getPrivate());
        byte[] contentKey = new byte[32];
        new java.security.SecureRandom().nextBytes(contentKey);

        byte[] first = wrapper.generateWrappedKey(new org.bouncycastle.operator.GenericKey(
                new javax.crypto.spec.SecretKeySpec(contentKey, "AES")));
        byte[] second = wrapper.generateWrappedKey(new org.bouncycastle.operator.GenericKey(
                null, contentKey.clone()));

        assertThat(first).hasSize(256).isNotEqualTo(second);
        assertThat(unwrap.doFinal(first)).isEqualTo(contentKey);
        assertThat(unwrap.doFinal(second)).isEqualTo(contentKey);
        assertThat(wrapper.getAlgorithmIdentifier().getAlgorithm())
                .isEqualTo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption);
    }

    @ParameterizedTest
    @EnumSource(CryptoEngine.class)
    void everyEngineEncryptsWhatOpensslCmsDecrypts(CryptoEngine engine) throws Exception {
        ExternalTool.require("openssl", "apt-get install openssl");
        Path key = dir.resolve("reader.key");
        Path cert = dir.resolve("reader.crt");
        DemoPki.writePem(key, true, author.keys().getPrivate());
        DemoPki.writePem(cert, false, author.certificate());
        SmimeEncryptor encryptor = new SmimeEncryptor(ContentCipher.AES256_CBC, engine);

        for (KeyTransport transport : KeyTransport.values()) {
            byte[] encrypted = encryptor.encrypt(ENTITY, List.of(author.certificate()),
                    ContentCipher.AES256_CBC, transport);
            Path file = write("encrypted-" + engine + "-" + transport + ".eml", encrypted);
            ExternalTool.Result plain = ExternalTool.run(List.of("openssl", "cms", "-decrypt",
                    "-binary", "-in", file.toString(), "-recip", cert.toString(), "-inkey",
                    key.toString()));
            assertThat(plain.ok()).as("%s %s: %s", engine, transport, plain.lastWords())
                    .isTrue();
            assertThat(plain.stdout()).isEqualTo(ENTITY);
        }
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsRefused() throws Exception {
        requireLibcrypto();
        DemoPki.Issued other = ca.issue("other@sender.example", 30);

        assertThatThrownBy(() -> OpensslKey.load(author.keys().getPrivate(),
                other.keys().getPublic(), DigestAlgorithm.SHA256))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("does not verify");
    }

    @ParameterizedTest
    @EnumSource(CryptoEngine.class)
    void everyEngineSignsWhatOpensslCmsVerifiesAndATamperedCopyFails(CryptoEngine engine)
            throws Exception {
        ExternalTool.require("openssl", "apt-get install openssl");
        SigningIdentity identity = new SigningIdentity("author@sender.example",
                author.keys().getPrivate(), author.certificate(), List.of(author.certificate()));
        Path caFile = dir.resolve("ca.crt");
        DemoPki.writePem(caFile, false, ca.caCertificate());

        for (DigestAlgorithm digest : DigestAlgorithm.values()) {
            byte[] signed = new SmimeSigner(digest, engine).sign(ENTITY, identity, digest,
                    false);
            Path file = write("signed-" + digest + ".eml", signed);
            ExternalTool.Result verified = OpensslCms.verify(file, caFile, false);
            assertThat(verified.ok()).as("%s %s verifies: %s", engine, digest,
                    verified.lastWords()).isTrue();

            String text = new String(signed, StandardCharsets.US_ASCII);
            Path tampered = write("tampered-" + digest + ".eml", text.replace(
                    "Quarterly", "Quarterlz").getBytes(StandardCharsets.US_ASCII));
            assertThat(OpensslCms.verify(tampered, caFile, false).ok())
                    .as("%s %s tampered copy fails", engine, digest).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(CryptoEngine.class)
    void oneSignerTakingTurnsWithTwoKeysSignsEachMessageWithItsOwnKeyAndTheTimeOfSigning(
            CryptoEngine engine) throws Exception {
        ExternalTool.require("openssl", "apt-get install openssl");
        DemoPki.Issued second = ca.issue("second@sender.example", 30);
        Path caFile = dir.resolve("ca.crt");
        DemoPki.writePem(caFile, false, ca.caCertificate());
        SmimeSigner signer = new SmimeSigner(DigestAlgorithm.SHA256, engine);

        List<DemoPki.Issued> turns = List.of(author, second, author, second);
        for (int i = 0; i < turns.size(); i++) {
            DemoPki.Issued who = turns.get(i);
            SigningIdentity identity = new SigningIdentity(who.address(),
                    who.keys().getPrivate(), who.certificate(), List.of(who.certificate()));
            long before = System.currentTimeMillis() / 1000;
            byte[] signed = signer.sign(ENTITY, identity, DigestAlgorithm.SHA256, false);
            long after = System.currentTimeMillis() / 1000;

            Path file = write("turn-" + i + ".eml", signed);
            ExternalTool.Result verified = OpensslCms.verify(file, caFile, false);
            assertThat(verified.ok()).as("turn %d verifies: %s", i, verified.lastWords())
                    .isTrue();
            String printed = OpensslCms.print(file);
            assertThat(printed).as("turn %d is signed by %s", i, who.address())
                    .contains("serialNumber: " + serialAsOpensslPrints(who));
            java.util.regex.Matcher time = java.util.regex.Pattern.compile(
                    "UTCTIME:(\\w{3} +\\d+ \\d\\d:\\d\\d:\\d\\d \\d{4}) GMT")
                    .matcher(printed);
            assertThat(time.find()).as("turn %d has a signing time", i).isTrue();
            long signedAt = java.time.LocalDateTime.parse(time.group(1).replaceAll(" +", " "),
                    java.time.format.DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy",
                            java.util.Locale.ROOT)).toEpochSecond(java.time.ZoneOffset.UTC);
            assertThat(signedAt).as("turn %d signing time", i).isBetween(before, after);
            if (i == 1) {
                // the next turns must carry a later time, not a kept one: wait for the second
                // to turn instead of a fixed pause
                while (System.currentTimeMillis() / 1000 <= after) {
                    Thread.sleep(10);
                }
            }
        }
    }

    private static String serialAsOpensslPrints(DemoPki.Issued who) {
        java.math.BigInteger serial = who.certificate().getSerialNumber();
        // openssl -print shows small serials in decimal and large ones as 0x hex
        return serial.bitLength() < 64 ? serial.toString() : "0x" + serial.toString(16)
                .toUpperCase(java.util.Locale.ROOT);
    }

    @ParameterizedTest
    @EnumSource(CryptoEngine.class)
    void anEcP384KeySignsWithAtLeastSha384WhateverTheConfig(CryptoEngine engine)
            throws Exception {
        ExternalTool.require("openssl", "apt-get install openssl");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair keys = generator.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name =
                new org.bouncycastle.asn1.x500.X500Name("CN=ec384@sender.example");
        java.util.Date now = new java.util.Date();
        java.security.cert.X509Certificate cert =
                new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name,
                                java.math.BigInteger.TEN, now,
                                new java.util.Date(now.getTime() + 86_400_000L), name,
                                keys.getPublic()).build(
                                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(
                                        "SHA384withECDSA").build(keys.getPrivate())));
        SigningIdentity identity = new SigningIdentity("ec384@sender.example",
                keys.getPrivate(), cert, List.of(cert));
        Path certFile = dir.resolve("ec384.crt");
        DemoPki.writePem(certFile, false, cert);

        byte[] signed = new SmimeSigner(DigestAlgorithm.SHA256, engine).sign(ENTITY, identity,
                DigestAlgorithm.SHA256, false);

        assertThat(new String(signed, StandardCharsets.US_ASCII)).contains("micalg=sha-384");
        Path file = write("ec384-" + engine + ".eml", signed);
        ExternalTool.Result verified = OpensslCms.verify(file, certFile, false);
        assertThat(verified.ok()).as(verified.lastWords()).isTrue();
        assertThat(OpensslCms.print(file)).containsIgnoringCase("sha384");
    }

    @Test
    void oneKeyServesManyThreadsAtOnce() throws Exception {
        requireLibcrypto();
        OpensslKey key = OpensslKey.load(author.keys().getPrivate(),
                author.keys().getPublic(), DigestAlgorithm.SHA256);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    Signature verifier = Signature.getInstance("SHA256withRSA");
                    int good = 0;
                    for (int i = 0; i < 150; i++) {
                        byte[] data = ("message " + thread + "/" + i)
                                .getBytes(StandardCharsets.US_ASCII);
                        verifier.initVerify(author.keys().getPublic());
                        verifier.update(data);
                        good += verifier.verify(key.sign(DigestAlgorithm.SHA256, data)) ? 1 : 0;
                    }
                    return good;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(150);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void engineNamesAndTheirMistakes() throws IOException {
        assertThat(CryptoEngine.parse(" OpenSSL ")).isEqualTo(CryptoEngine.OPENSSL);
        assertThat(CryptoEngine.JDK.problem()).isNull();
        assertThat(CryptoEngine.JDK.describe()).contains("JDK");

        Path file = write("bad.conf", "crypto.engine = fast\n".getBytes(
                StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Config.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("crypto.engine")
                .hasMessageContaining("auto, openssl or jdk");
    }

    @Test
    void autoSaysWhichLibraryItUses() {
        requireLibcrypto();

        assertThat(CryptoEngine.AUTO.describe()).startsWith("OpenSSL 3");
        assertThat(CryptoEngine.AUTO.usesOpenssl()).isTrue();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
