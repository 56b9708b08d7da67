package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.certs.SigningIdentity;
import org.smimepickup.message.CanonicalEntity;
import org.smimepickup.message.InputMessage;
import org.smimepickup.message.OuterHeader;
import org.smimepickup.smime.DigestAlgorithm;
import org.smimepickup.smime.CryptoEngine;
import org.smimepickup.smime.SmimeSigner;

/**
 * DKIM-signs with our keys in Debian's python3-dkim (its own RSA code, not OpenSSL's nor
 * BouncyCastle's) and verifies against our zone-file record, served by a stub DNS lookup that
 * joins the quoted strings as a resolver would.
 */
class IndependentVerificationTest {
    /** sign|verify MESSAGE ZONEFILE [SELECTOR DOMAIN KEY OUT]: exit 0 only on dkim=pass. */
    private static final String CHECKER = """
            import re, sys, dkim
            mode, message_path, zone_path = sys.argv[1:4]
            zone = open(zone_path).read()
            owner = zone.split()[0].rstrip('.').lower()
            record = ''.join(re.findall(r'"([^"]*)"', zone)).encode('ascii')
            asked = []
            def stub_dns(name, timeout=5):
                name = name.decode() if isinstance(name, bytes) else name
                asked.append(name)
                return record if name.rstrip('.').lower() == owner else None
            message = open(message_path, 'rb').read()
            if mode == 'sign':
                selector, domain, key_path, out_path = sys.argv[4:8]
                headers = [h.encode() for h in sys.argv[8].split(':')]
                field = dkim.sign(message, selector.encode(), domain.encode(),
                                  open(key_path, 'rb').read(), include_headers=headers,
                                  canonicalize=(b'relaxed', b'relaxed'))
                message = field + message
                open(out_path, 'wb').write(message)
            passed = dkim.verify(message, dnsfunc=stub_dns)
            print('dkim=pass' if passed else 'dkim=fail', 'asked', asked)
            sys.exit(0 if passed else 1)
            """;

    private static final String MESSAGE = """
            From: Billing <billing@example.com>
            To: Customer <customer@example.net>
            Subject: Your invoice 2026-0042
            Date: Fri, 04 Dec 2026 10:00:00 +0000
            Message-ID: <invoice-2026-0042@example.com>
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            Dear customer, the invoice is attached. Grüße, Billing.
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPythonDkim() throws Exception {
        assumeTrue(Outside.hasPythonDkim(), "Debian's python3-dkim is not installed:"
                + " apt-get install python3-dkim");
    }

    @ParameterizedTest
    @EnumSource(KeyFormat.class)
    void aMessageDkimSignedWithOurKeyVerifiesAgainstOurRecord(KeyFormat format) throws Exception {
        Published key = publish("s2026", "example.com", format);
        Path message = write("plain.eml", crlf(MESSAGE));

        Outside.Run run = sign(message, key, dir.resolve("signed.eml"));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.text()).startsWith("dkim=pass")
                .contains("s2026._domainkey.example.com");
    }

    @Test
    void aTamperedMessageOrAnotherKeysRecordFailsVerification() throws Exception {
        Published key = publish("s2026", "example.com", KeyFormat.PKCS1);
        Published other = publish("s2026", "example.com", KeyFormat.PKCS1);
        Path signed = dir.resolve("signed.eml");
        assertThat(sign(write("plain.eml", crlf(MESSAGE)), key, signed).exitCode()).isZero();
        Path tampered = write("tampered.eml", Files.readString(signed, StandardCharsets.UTF_8)
                .replace("invoice is attached", "invoice is attacked").getBytes(
                        StandardCharsets.UTF_8));

        assertThat(verify(tampered, key.zone()).text()).startsWith("dkim=fail");
        assertThat(verify(signed, other.zone()).text()).startsWith("dkim=fail");
        assertThat(verify(signed, key.zone()).text()).startsWith("dkim=pass");
    }

    @Test
    void anSmimeSignedMessageStillVerifiesBothWaysAfterDkimSigning() throws Exception {
        DemoPki pki = new DemoPki("DKIM test CA (DEMO)");
        DemoPki.Issued billing = pki.issue("billing@example.com", 30);
        Path ca = dir.resolve("ca.pem");
        DemoPki.writePem(ca, false, pki.caCertificate());
        Published key = publish("s2026", "example.com", KeyFormat.PKCS1);

        InputMessage input = InputMessage.parse(MESSAGE.getBytes(StandardCharsets.UTF_8));
        byte[] entity = new SmimeSigner(DigestAlgorithm.SHA256, CryptoEngine.AUTO).sign(
                CanonicalEntity.of(input),
                new SigningIdentity(billing.address(), billing.keys().getPrivate(),
                        billing.certificate(), List.of(billing.certificate())));
        byte[] header = OuterHeader.of(input, "test-1", ZonedDateTime.now());
        Path smime = write("smime.eml", concat(header, entity));
        Path signed = dir.resolve("smime-dkim.eml");

        Outside.Run dkim = sign(smime, key, signed);
        Outside.Run cms = Outside.run(dir, "openssl", "cms", "-verify", "-in",
                signed.toString(), "-CAfile", ca.toString(), "-out", "content.txt");

        assertThat(dkim.text()).as(dkim.stderr()).startsWith("dkim=pass");
        assertThat(cms.exitCode()).as(cms.stderr()).isZero();
        assertThat(cms.stderr()).contains("Verification successful");
        assertThat(Files.readString(dir.resolve("content.txt"), StandardCharsets.UTF_8))
                .contains("the invoice is attached");
        assertThat(Files.readString(signed, StandardCharsets.UTF_8))
                .startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;");
    }

    /** A key written as --out writes it, and its zone-file record. */
    private record Published(String selector, String domain, Path keyFile, Path zone) {
    }

    private Published publish(String selector, String domain, KeyFormat format)
            throws Exception {
        Path keys = Files.createTempDirectory(dir, "keys");
        RsaKey key = DkimKeyFile.generate(2048, false);
        Path keyFile = keys.resolve(DomainKey.keyFileName(selector, domain));
        DkimKeyFile.write(keyFile, key, format, false);
        Path zone = keys.resolve(DomainKey.recordFileName(selector, domain));
        Files.writeString(zone, DkimSnippets.zoneRecord(DomainKey.of(selector, domain, keyFile,
                key)));
        return new Published(selector, domain, keyFile, zone);
    }

    private Outside.Run sign(Path message, Published key, Path out) throws Exception {
        return Outside.run(dir, Outside.SYSTEM_PYTHON.toString(), "-c", CHECKER, "sign",
                message.toString(), key.zone().toString(), key.selector(), key.domain(),
                key.keyFile().toString(), out.toString(),
                String.join(":", DkimSnippets.SIGNED_HEADERS));
    }

    private Outside.Run verify(Path message, Path zone) throws Exception {
        return Outside.run(dir, Outside.SYSTEM_PYTHON.toString(), "-c", CHECKER, "verify",
                message.toString(), zone.toString());
    }

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
