package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.MimeComparison;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.PickupFile;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * A 25 MB message through the real daemon with its heap capped at 128 MB: it must stream
 * (scratch files, no whole copies), and openssl must still decrypt and verify the result.
 */
class LargeMessageTest {
    private static final String READER = "ana@rcpt.example";

    @TempDir
    Path root;

    @Test
    void twentyFiveMegabyteMessageGoesThroughWithA128MegabyteHeap() throws Exception {
        TestPki pki = TestPki.demo(root.resolve("pki")).issueAll(List.of(CaseFiles.SENDER,
                READER));
        SpoolLayout layout = SpoolLayout.create(root.resolve("spool"))
                .install(pki, List.of(CaseFiles.SENDER));
        byte[] attachment = new byte[18_750_000];
        new Random(25).nextBytes(attachment);
        layout.drop("big.eml", message(attachment));
        Path config = layout.writeConfig();

        int exit = runOnce(config, root.resolve("daemon.log"));

        assertThat(exit).as(Files.readString(root.resolve("daemon.log"))).isZero();
        Path output = layout.outputs().get(0);
        Path message = Files.write(root.resolve("out.eml"),
                PickupFile.parse(Files.readAllBytes(output)).message());
        ExternalTool.Result plain = OpensslCms.decrypt(message, pki.identity(READER));
        assertThat(plain.ok()).as(plain.lastWords()).isTrue();
        Path signed = Files.write(root.resolve("signed.eml"), plain.stdout());
        ExternalTool.Result content = OpensslCms.verify(signed, pki.caCertificate(), false);
        assertThat(content.ok()).as(content.lastWords()).isTrue();
        List<byte[]> leaves = MimeComparison.leaves(content.stdout());
        assertThat(sha256(leaves.get(leaves.size() - 1))).isEqualTo(sha256(attachment));
    }

    @Test
    void tenThreeMegabyteMessagesDroppedTogetherAllGoThroughWithA128MegabyteHeap()
            throws Exception {
        TestPki pki = TestPki.demo(root.resolve("pki")).issueAll(List.of(CaseFiles.SENDER,
                READER));
        SpoolLayout layout = SpoolLayout.create(root.resolve("spool"))
                .install(pki, List.of(CaseFiles.SENDER));
        Random random = new Random(3);
        for (int i = 0; i < 10; i++) {
            byte[] mid = new byte[2_250_000];
            random.nextBytes(mid);
            layout.drop("mid-" + i + ".eml", message(mid));
        }
        Path config = layout.writeConfig();

        int exit = runOnce(config, root.resolve("daemon.log"));

        // the workers (eight on two cores) must not ask together for more heap than there is:
        // half of these failed with OutOfMemoryError before the heap budget
        String log = Files.readString(root.resolve("daemon.log"));
        assertThat(log).doesNotContain("does not fit in memory");
        assertThat(exit).as(log).isZero();
        assertThat(layout.outputs()).hasSize(10);
    }

    private static int runOnce(Path config, Path log) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                classPath, "org.smimepickup.cli.Main", "once", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("once did not finish in 3 minutes");
        }
        return process.exitValue();
    }

    private static byte[] message(byte[] attachment) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(26_000_000);
        out.write(("From: Alerts <" + CaseFiles.SENDER + ">\r\nTo: " + READER + "\r\n"
                + "Subject: Big attachment\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                + "Content-Type: text/plain\r\n\r\nSee the attachment.\r\n--b\r\n"
                + "Content-Type: application/octet-stream; name=big.bin\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(attachment));
        out.write("\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(data));
    }
}
