package org.smimepickup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.smimepickup.certs.DemoPki;

/**
 * A test certificate authority and one key pair with an S/MIME certificate per address, as
 * files. Made either in Java with {@link DemoPki} (fast) or with {@code openssl req} and
 * {@code openssl x509} (PKCS#8 keys, as users make them). Files are numbered, not named by
 * address, so that addresses such as {@code ../x@y} cannot place them anywhere.
 */
public final class TestPki {
    /** The key and certificate files for one address. */
    public record Identity(String address, Path key, Path certificate) {
    }

    private final Path dir;
    private final Path caCertificate;
    private final DemoPki demo;
    private final Map<String, Identity> identities = new LinkedHashMap<>();
    private final AtomicInteger serial = new AtomicInteger(1000);

    private TestPki(Path dir, Path caCertificate, DemoPki demo) {
        this.dir = dir;
        this.caCertificate = caCertificate;
        this.demo = demo;
    }

    /** A CA made in Java; {@link #issue} is then fast and thread-safe. */
    public static TestPki demo(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        DemoPki demo = new DemoPki("smime-pickup e2e test CA");
        Path ca = dir.resolve("ca.crt");
        DemoPki.writePem(ca, false, demo.caCertificate());
        return new TestPki(dir, ca, demo);
    }

    /** A CA made with the openssl command line, as an operator would. */
    public static TestPki openssl(Path dir) throws IOException {
        ExternalTool.require("openssl", "apt-get install openssl");
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.crt");
        ExternalTool.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-days", "30", "-subj", "/CN=smime-pickup e2e openssl CA",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString(),
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new TestPki(dir, ca, null);
    }

    public TestPki issueAll(Collection<String> addresses)
            throws IOException, GeneralSecurityException {
        for (String address : addresses) {
            issue(address);
        }
        return this;
    }

    /** A key pair and certificate for {@code address} (SAN, emailProtection), kept by address. */
    public Identity issue(String address) throws IOException, GeneralSecurityException {
        int n = serial.incrementAndGet();
        Path key = dir.resolve("id-" + n + ".key");
        Path certificate = dir.resolve("id-" + n + ".crt");
        if (demo != null) {
            DemoPki.Issued issued = demo.issue(address, 30);
            DemoPki.writePem(key, true, issued.keys().getPrivate());
            DemoPki.writePem(certificate, false, issued.certificate());
        } else {
            issueWithOpenssl(address, n, key, certificate);
        }
        Identity identity = new Identity(address, key, certificate);
        synchronized (identities) {
            identities.put(address, identity);
        }
        return identity;
    }

    private void issueWithOpenssl(String address, int n, Path key, Path certificate)
            throws IOException {
        Path request = dir.resolve("id-" + n + ".csr");
        Path extensions = dir.resolve("id-" + n + ".ext");
        Files.writeString(extensions, "subjectAltName=email:" + address + "\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=emailProtection\n");
        ExternalTool.check("openssl", "req", "-newkey", "rsa:2048", "-nodes",
                "-subj", "/CN=" + address, "-keyout", key.toString(),
                "-out", request.toString());
        ExternalTool.check("openssl", "x509", "-req", "-in", request.toString(),
                "-CA", caCertificate.toString(), "-CAkey", dir.resolve("ca.key").toString(),
                "-set_serial", String.valueOf(n), "-days", "30",
                "-extfile", extensions.toString(), "-out", certificate.toString());
    }

    public Path caCertificate() {
        return caCertificate;
    }

    /** The identity for {@code address}, or null when none was issued. */
    public Identity identity(String address) {
        synchronized (identities) {
            return identities.get(address);
        }
    }

    public Collection<Identity> identities() {
        synchronized (identities) {
            return List.copyOf(identities.values());
        }
    }

    /**
     * The identity as PKCS#12 with password {@code test}; legacy PBE (SHA1-3DES) when asked,
     * because gpgsm reads no other.
     */
    public Path pkcs12(Identity identity, Path folder, boolean legacy) {
        Path p12 = folder.resolve(identity.key().getFileName() + (legacy ? ".legacy" : "")
                + ".p12");
        List<String> command = ExternalTool.args("openssl", "pkcs12", "-export",
                "-inkey", identity.key().toString(), "-in", identity.certificate().toString(),
                "-out", p12.toString(), "-passout", "pass:test");
        if (legacy) {
            command.addAll(List.of("-keypbe", "PBE-SHA1-3DES", "-certpbe",
                    "PBE-SHA1-3DES", "-macalg", "sha1"));
        }
        ExternalTool.Result result = ExternalTool.run(command);
        if (!result.ok()) {
            throw new AssertionError("cannot make PKCS#12: " + result.lastWords());
        }
        return p12;
    }
}
