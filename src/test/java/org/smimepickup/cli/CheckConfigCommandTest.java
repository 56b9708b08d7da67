package org.smimepickup.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.service.ServiceFixture;

class CheckConfigCommandTest {
    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        fixture = ServiceFixture.create(dir.resolve("svc"));
    }

    @Test
    void aUsableConfigIsPrintedInFullAndExitsZero() {
        assertThat(check()).as(errors()).isZero();

        assertThat(output()).contains("# effective configuration of " + fixture.config)
                .contains("mode = sign+encrypt").contains("shutdown.grace.seconds = 30")
                .contains("crypto.engine = auto")
                .containsPattern("key operations by (OpenSSL 3|the JDK)")
                .contains("is usable");
        assertThat(errors()).isEmpty();
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() throws IOException {
        fixture.writeConfig("shutdown.grace = 5");

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("line 7").contains("shutdown.grace");
    }

    @Test
    void aKeyReadableByOthersIsRefused() throws IOException {
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("keys.dir").contains(key().toString())
                .contains("readable by others");
    }

    @Test
    void aKeyThatDoesNotMatchItsCertificateIsRefused() throws IOException {
        Files.copy(fixture.certs.resolve(ServiceFixture.RECIPIENT + ".crt"), certificate(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("keys.dir: signing key for " + ServiceFixture.SENDER);
    }

    @Test
    void anExpiredSigningCertificateIsRefused() throws Exception {
        DemoPki.Issued old = new DemoPki("expired test CA").issue(ServiceFixture.SENDER, -1);
        Files.delete(key());
        DemoPki.writePem(key(), true, old.keys().getPrivate());
        DemoPki.writePem(certificate(), false, old.certificate());

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("keys.dir").contains("expired");
    }

    @Test
    void signingWithoutAnyKeyIsRefused() throws IOException {
        Files.delete(key());

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("keys.dir").contains("holds no <address>.pem");
    }

    @Test
    void encryptingWithoutACertsFolderIsRefused() throws IOException {
        fixture.writeConfig("certs.dir = no-such-folder");

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("certs.dir").contains("no-such-folder");
    }

    @Test
    void aMissingPickupFolderIsNamed() throws IOException {
        fixture.writeConfig("pickup.dir = no-pickup");

        assertThat(check()).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("pickup.dir").contains("no-pickup");
    }

    @Test
    void stagingOnAnotherFilesystemThanPickupIsRefused() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isWritable(shm)
                && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
                "needs /dev/shm on its own filesystem");
        Path staging = Files.createTempDirectory(shm, "staging");
        try {
            fixture.writeConfig("pickup.staging.dir = " + staging);

            assertThat(check()).isEqualTo(Main.CONFIG);
            assertThat(errors()).contains("pickup.staging.dir").contains("pickup filesystem");
        } finally {
            Files.delete(staging);
        }
    }

    @Test
    void aCertificateAboutToExpireIsAWarningNotAnError() throws Exception {
        DemoPki.Issued soon = new DemoPki("soon test CA").issue("cleo@other.example", 3);
        DemoPki.writePem(fixture.certs.resolve("cleo@other.example.crt"), false,
                soon.certificate());

        assertThat(check()).as(errors()).isZero();
        assertThat(errors()).contains("warning: certs.dir").contains("cleo@other.example.crt")
                .contains("renew it");
    }

    @Test
    void theSmtpPasswordIsMaskedInThePrintedConfig() throws IOException {
        fixture.writeConfig("delivery = smtp", "smtp.host = 127.0.0.1", "smtp.user = relay",
                "smtp.password = s3cret-Pa55");

        assertThat(check()).as(errors()).isZero();
        assertThat(output()).contains("smtp.password = ****").doesNotContain("s3cret-Pa55");
    }

    @Test
    void connectReadsTheSmtpGreeting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread greeter = new Thread(() -> greetOnce(server, "220-mx.test ESMTP\r\n"
                    + "220 ready\r\n"));
            greeter.start();
            fixture.writeConfig("delivery = smtp", "smtp.host = 127.0.0.1",
                    "smtp.port = " + server.getLocalPort(), "smtp.tls = none");

            assertThat(check("--connect")).as(errors()).isZero();
            greeter.join();
        }
    }

    @Test
    void connectNamesTheSmtpKeysWhenNobodyListens() throws Exception {
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = server.getLocalPort();
        }
        fixture.writeConfig("delivery = smtp", "smtp.host = 127.0.0.1",
                "smtp.port = " + closedPort, "smtp.tls = none");

        assertThat(check()).as("without --connect the server is not asked").isZero();
        assertThat(check("--connect")).isEqualTo(Main.CONFIG);
        assertThat(errors()).contains("smtp.host/smtp.port").contains("127.0.0.1:" + closedPort);
    }

    private static void greetOnce(ServerSocket server, String greeting) {
        try (Socket client = server.accept()) {
            client.getOutputStream().write(greeting.getBytes(StandardCharsets.US_ASCII));
            client.getInputStream().read(new byte[64]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int check(String... options) {
        out.reset();
        err.reset();
        String[] args = new String[3 + options.length];
        args[0] = "check-config";
        args[1] = "--config";
        args[2] = fixture.config.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path key() {
        return fixture.keys.resolve(ServiceFixture.SENDER + ".pem");
    }

    private Path certificate() {
        return fixture.keys.resolve(ServiceFixture.SENDER + ".crt");
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
