package org.smimepickup.deliver;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.smimepickup.certs.DemoPki;

/** A test CA and a server certificate for 127.0.0.1 (IP SAN), for STARTTLS and SMTPS tests. */
final class TestTls {
    private final X509Certificate ca;
    private final SSLContext server;

    private TestTls(X509Certificate ca, SSLContext server) {
        this.ca = ca;
        this.server = server;
    }

    static TestTls create(String serverIp) throws Exception {
        KeyPair caKeys = rsa();
        X509Certificate ca = sign(new JcaX509v3CertificateBuilder(new X500Name("CN=SMTP Test CA"),
                BigInteger.ONE, from(), until(), new X500Name("CN=SMTP Test CA"),
                caKeys.getPublic()).addExtension(Extension.basicConstraints, true,
                new BasicConstraints(true)), caKeys);
        KeyPair serverKeys = rsa();
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(ca, BigInteger.TWO, from(),
                until(), new X500Name("CN=" + serverIp), serverKeys.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        new GeneralName(GeneralName.iPAddress, serverIp))), caKeys);

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", serverKeys.getPrivate(), new char[0],
                new Certificate[] {cert, ca});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(
                KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new TestTls(ca, context);
    }

    SSLContext serverContext() {
        return server;
    }

    /** Writes the CA as a PEM bundle, as an operator would give it in smtp.tls.trust. */
    Path writeTrust(Path file) throws Exception {
        DemoPki.writePem(file, false, ca);
        return file;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate())));
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date until() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }
}
