package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.config.Config;
import org.smimepickup.deliver.ScriptedSmtpServerAccess;
import org.smimepickup.service.Daemon;
import org.smimepickup.spool.Spool;

/**
 * The daemon with {@code delivery = smtp} against a scripted server on 127.0.0.1: what the
 * server receives decrypts and verifies with {@code openssl cms}, and a recipient refused at
 * RCPT is kept (4xx) or reported (5xx) without a second copy for the others.
 */
class SmtpDeliveryEndToEndTest {
    private static final String SENDER = "alerts@sender.example";
    private static final List<String> RECIPIENTS = List.of("ana@rcpt.example",
            "ben@rcpt.example");

    @TempDir
    Path root;

    private ScriptedSmtpServerAccess server;
    private Spool spool;
    private Path config;

    @BeforeEach
    void layOut() throws Exception {
        server = new ScriptedSmtpServerAccess();
        DemoPki pki = new DemoPki("SMTP e2e CA");
        Path keys = Files.createDirectories(root.resolve("keys"));
        Path certs = Files.createDirectories(root.resolve("certs"));
        Path trust = Files.createDirectories(root.resolve("trust"));
        Files.createDirectories(root.resolve("pickup"));
        DemoPki.writePem(trust.resolve("ca.crt"), false, pki.caCertificate());
        for (String address : List.of(SENDER, RECIPIENTS.get(0), RECIPIENTS.get(1))) {
            DemoPki.Issued issued = pki.issue(address, 30);
            DemoPki.writePem(certs.resolve(address + ".crt"), false, issued.certificate());
            DemoPki.writePem(root.resolve(address + ".key"), true, issued.keys().getPrivate());
            if (address.equals(SENDER)) {
                DemoPki.writePem(keys.resolve(address + ".pem"), true,
                        issued.keys().getPrivate());
                DemoPki.writePem(keys.resolve(address + ".crt"), false, issued.certificate());
            }
        }
        config = root.resolve("smime-pickup.conf");
        Files.writeString(config, "spool.dir = spool\nkeys.dir = keys\ncerts.dir = certs\n"
                + "trust.dir = trust\nmode = sign+encrypt\ndelivery = smtp\n"
                + "pickup.dir = pickup\nsmtp.host = 127.0.0.1\nsmtp.port = " + server.port()
                + "\nsmtp.tls = none\n");
        spool = new Spool(root.resolve("spool"));
        spool.prepare();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    @Test
    void leadingDotsArriveUnstuffedAndTheServerBytesDecryptAndVerify() throws Exception {
        drop("dots.eml", message(".leading dot\r\n..two dots\r\n.\r\nend\r\n"));

        runOnce();

        assertThat(server.received()).hasSize(1);
        // encrypted output is base64, so the dots only show again after decrypting
        assertThat(server.raw(0)).isNotEmpty();
        Path got = Files.write(root.resolve("got.eml"), server.message(0));
        byte[] signed = openssl("cms", "-decrypt", "-in", got.toString(), "-recip",
                root.resolve("certs/ben@rcpt.example.crt").toString(), "-inkey",
                root.resolve("ben@rcpt.example.key").toString());
        Path signedFile = Files.write(root.resolve("signed.eml"), signed);
        byte[] content = openssl("cms", "-verify", "-in", signedFile.toString(), "-CAfile",
                root.resolve("trust/ca.crt").toString(), "-purpose", "smimesign");
        assertThat(new String(content, StandardCharsets.US_ASCII))
                .contains("\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n");
        assertThat(Files.list(spool.done())).hasSize(1);
    }

    @Test
    void recipientDeferredWith452IsRetriedAloneAndTheOtherGetsOneCopy() throws Exception {
        server.refuse("ben@rcpt.example", "452 4.2.2 mailbox full");
        drop("two.eml", message("hello\r\n"));

        runOnce();

        Path deferred = spool.deferred().resolve("two.eml");
        String kept = Files.readString(deferred, StandardCharsets.ISO_8859_1);
        assertThat(kept).startsWith("x-sender: <alerts@sender.example>\r\n"
                + "x-receiver: <ben@rcpt.example>\r\nFrom: ");
        assertThat(server.recipients(0)).containsExactly("ana@rcpt.example");

        server.refuse("ben@rcpt.example", null);
        Files.move(deferred, spool.inbox().resolve("two.eml"));
        runOnce();

        assertThat(server.received()).hasSize(2);
        assertThat(server.recipients(1)).containsExactly("ben@rcpt.example");
    }

    @Test
    void recipientRefusedWith550IsNamedInTheReasonAndKeptAloneInFailed() throws Exception {
        server.refuse("ben@rcpt.example", "550 5.1.1 no such user");
        drop("two.eml", message("hello\r\n"));

        runOnce();

        String reason = Files.readString(spool.failed().resolve("two.eml.reason"));
        assertThat(reason).contains("<ben@rcpt.example>", "550 5.1.1 no such user",
                "Already delivered to ana@rcpt.example");
        assertThat(Files.readString(spool.failed().resolve("two.eml")))
                .contains("x-receiver: <ben@rcpt.example>")
                .doesNotContain("x-receiver: <ana@rcpt.example>");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void serverThatIsDownKeepsTheMessageForARetry() throws Exception {
        server.close();
        drop("down.eml", message("hello\r\n"));

        runOnce();

        assertThat(spool.deferred().resolve("down.eml")).exists();
    }

    private void runOnce() throws Exception {
        new Daemon(Config.load(config, java.util.Map.of())).once();
    }

    private void drop(String name, byte[] data) throws IOException {
        Files.write(spool.inbox().resolve(name), data);
    }

    private static byte[] message(String body) {
        return ("From: Alerts <" + SENDER + ">\r\nTo: " + String.join(", ", RECIPIENTS)
                + "\r\nSubject: smtp e2e\r\nMessage-ID: <e2e@sender.example>\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(
                ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s", String.join(" ", args)).isZero();
        return out;
    }
}
