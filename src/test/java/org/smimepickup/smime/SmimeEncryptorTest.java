package org.smimepickup.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Body;
import org.smimepickup.message.Scratch;
import org.smimepickup.testing.ExternalTool;

/** Encrypted output decrypts, for every recipient, to exactly the entity given. */
class SmimeEncryptorTest {
    private static final List<PrivateKey> KEYS = new ArrayList<>();
    private static final List<X509Certificate> CERTS = new ArrayList<>();

    @TempDir
    Path dir;

    /** Each recipient's key and certificate as PEM files, for openssl. */
    @TempDir
    static Path readers;

    @BeforeAll
    static void recipients() throws Exception {
        ExternalTool.require("openssl", "apt-get install openssl");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (String name : new String[] {"ana", "ben"}) {
            KeyPair pair = rsa.generateKeyPair();
            KEYS.add(pair.getPrivate());
            CERTS.add(certificate(name, pair, "SHA256withRSA"));
            int n = CERTS.size() - 1;
            DemoPki.writePem(readers.resolve(n + ".key"), true, pair.getPrivate());
            DemoPki.writePem(readers.resolve(n + ".crt"), false, CERTS.get(n));
        }
    }

    private static X509Certificate certificate(String name, KeyPair pair, String algorithm)
            throws Exception {
        X500Name subject = new X500Name("CN=" + name + "@rcpt.example");
        Date now = new Date();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                subject, BigInteger.valueOf(name.hashCode() & 0xffff), now,
                new Date(now.getTime() + 86_400_000L), subject, pair.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
    }

    @Test
    void everyCipherAndKeyTransportDecryptsToTheEntityForEveryRecipient() throws Exception {
        byte[] part = "Content-Type: text/plain\r\n\r\nhello\r\n".repeat(300)
                .getBytes(StandardCharsets.US_ASCII);
        // a body in pieces, as a signed entity is: head, content, tail
        Body entity = Body.concat(Body.of(part), Body.of(new byte[] {'x', '\r', '\n'}, 2),
                Body.of(part));
        byte[] plain = entity.toBytes();
        SmimeEncryptor encryptor = new SmimeEncryptor();
        for (ContentCipher cipher : ContentCipher.values()) {
            for (KeyTransport transport : KeyTransport.values()) {
                for (int round = 0; round < 2; round++) {
                    byte[] fromBody;
                    try (Scratch scratch = new Scratch(dir, "t")) {
                        fromBody = encryptor.encrypt(entity, CERTS, cipher, transport, scratch)
                                .toBytes();
                    }
                    byte[] fromArray = encryptor.encrypt(plain, CERTS, cipher, transport);

                    for (byte[] output : new byte[][] {fromBody, fromArray}) {
                        for (int r = 0; r < KEYS.size(); r++) {
                            assertThat(decrypt(output, r, cipher)).as("%s %s", cipher, transport)
                                    .isEqualTo(plain);
                        }
                    }
                    assertThat(header(fromBody)).isEqualTo(header(fromArray));
                }
            }
        }
    }

    @Test
    void everyMessageGetsItsOwnIvAndContentKey() throws Exception {
        byte[] plain = "Content-Type: text/plain\r\n\r\nsame text\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        SmimeEncryptor encryptor = new SmimeEncryptor();
        for (ContentCipher cipher : ContentCipher.values()) {
            java.util.Set<String> ivs = new java.util.HashSet<>();
            java.util.Set<String> bodies = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] output = encryptor.encrypt(plain, CERTS, cipher, KeyTransport.PKCS1);
                byte[] der = Base64.getMimeDecoder().decode(body(output));
                var algorithm = cipher.authenticated()
                        ? org.bouncycastle.asn1.cms.AuthEnvelopedData.getInstance(
                                org.bouncycastle.asn1.cms.ContentInfo.getInstance(der)
                                        .getContent()).getAuthEncryptedContentInfo()
                                .getContentEncryptionAlgorithm()
                        : new CMSEnvelopedData(der).getContentEncryptionAlgorithm();
                assertThat(algorithm.getAlgorithm()).isEqualTo(cipher.oid());
                ivs.add(Base64.getEncoder().encodeToString(
                        algorithm.getParameters().toASN1Primitive().getEncoded()));
                bodies.add(body(output));
                assertThat(decrypt(output, 0, cipher)).isEqualTo(plain);
            }
            assertThat(ivs).as("%s IVs", cipher).hasSize(20);
            assertThat(bodies).as("%s ciphertexts", cipher).hasSize(20);
        }
    }

    private static String body(byte[] output) {
        String text = new String(output, StandardCharsets.US_ASCII);
        return text.substring(text.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void workersSharingTheEncryptorAllProduceReadableOutput() throws Exception {
        SmimeEncryptor encryptor = new SmimeEncryptor();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 40; task++) {
                byte[] plain = ("Content-Type: text/plain\r\n\r\nmessage " + task + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                KeyTransport transport = KeyTransport.values()[task % 2];
                results.add(pool.submit(() -> {
                    byte[] out;
                    try (Scratch scratch = new Scratch(dir, "w")) {
                        out = encryptor.encrypt(Body.of(plain), CERTS, ContentCipher.AES256_CBC,
                                transport, scratch).toBytes();
                    }
                    return java.util.Arrays.equals(decrypt(out, 0, ContentCipher.AES256_CBC),
                            plain) && java.util.Arrays.equals(decrypt(out, 1,
                                    ContentCipher.AES256_CBC), plain);
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRecipientWithoutAnRsaKeyIsRefusedEachTime() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        X509Certificate ecCert = certificate("eve", ec.generateKeyPair(), "SHA256withECDSA");
        SmimeEncryptor encryptor = new SmimeEncryptor();
        for (int round = 0; round < 2; round++) {
            assertThatThrownBy(() -> encryptor.encrypt(new byte[] {'x'}, List.of(CERTS.get(0),
                    ecCert))).isInstanceOf(PermanentFailure.class)
                    .hasMessageContaining("only RSA recipients");
        }
    }

    private static String header(byte[] output) {
        String text = new String(output, StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n\r\n") + 4);
    }

    /**
     * The entity as {@code openssl cms} decrypts it for one recipient, after checking the form
     * of the base64 body: an outside reader, not the library that wrote it.
     */
    private static byte[] decrypt(byte[] output, int recipient, ContentCipher cipher)
            throws Exception {
        String text = new String(output, StandardCharsets.US_ASCII);
        int bodyStart = text.indexOf("\r\n\r\n") + 4;
        assertThat(text).endsWith("\r\n");
        for (String line : text.substring(bodyStart).split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(76);
        }
        assertThat(text).contains(cipher.authenticated() ? "smime-type=authEnveloped-data"
                : "smime-type=enveloped-data");
        Path file = Files.createTempFile(readers, "encrypted", ".eml");
        Files.write(file, output);
        ExternalTool.Result plain = ExternalTool.run(List.of("openssl", "cms", "-decrypt",
                "-binary", "-in", file.toString(), "-recip",
                readers.resolve(recipient + ".crt").toString(), "-inkey",
                readers.resolve(recipient + ".key").toString()));
        assertThat(plain.ok()).as("openssl cms -decrypt: %s", plain.lastWords()).isTrue();
        return plain.stdout();
    }
}
