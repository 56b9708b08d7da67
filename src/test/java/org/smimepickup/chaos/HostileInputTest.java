package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.PickupFile;
import org.smimepickup.testing.TestPki;

/**
 * Well over a hundred malformed and hostile inputs through the real daemon with a 256 MB heap:
 * no crash, every input in {@code failed/} with a reason or in {@code done/} with an output that
 * {@code openssl cms} decrypts and verifies, nothing outside the spool read through a link or a
 * path trick, and the daemon still handles a good message afterwards.
 */
class HostileInputTest {
    private static final int MAX_BYTES = 2 * 1024 * 1024;
    /** Links, FIFOs and a device among the specials: refused. */
    private static final int REFUSED = 9;
    /** Good messages under names that are not valid UTF-8: renamed, then delivered. */
    private static final int ODD_NAMES = 3;

    @TempDir
    Path root;

    private ChaosRig rig;
    private Path outside;
    private final String bait = "BAIT-" + UUID.randomUUID();

    @BeforeEach
    void layOut() throws Exception {
        rig = ChaosRig.create(root);
        rig.layout().set("max.message.bytes", String.valueOf(MAX_BYTES));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.write(outside.resolve("bait.eml"), ChaosRig.message(bait, bait + "\r\n"));
        plantBaitKeys();
    }

    /**
     * A usable key and certificate where {@code ../../../etc/x@y} would lead from the keys and
     * certs folders, from another CA: an output signed with it fails verification, one
     * encrypted to it only fails decryption, so a path trick that worked fails the test.
     */
    private void plantBaitKeys() throws Exception {
        TestPki.Identity trap = TestPki.demo(root.resolve("bait-pki")).issue("x@y");
        Path etc = Files.createDirectories(rig.layout().root().resolve("etc"));
        Files.copy(trap.key(), etc.resolve("x@y.pem"));
        Files.copy(trap.certificate(), etc.resolve("x@y.crt"));
        Files.setPosixFilePermissions(etc.resolve("x@y.pem"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void everyHostileInputIsFailedWithAReasonOrDeliveredVerifiablyWithoutACrash()
            throws Exception {
        List<HostileInputs.Hostile> files = HostileInputs.all(MAX_BYTES);
        for (HostileInputs.Hostile input : files) {
            rig.layout().drop(input.name(), input.data());
        }
        int specials = dropSpecials();
        int total = files.size() + specials;

        long started = System.nanoTime();
        ChaosDaemon daemon = ChaosDaemon.once(rig.config());
        long millis = (System.nanoTime() - started) / 1_000_000;
        String log = daemon.log();

        int verified = checkOutputs();
        ChaosRig.Tally tally = rig.tally();
        List<String> errors = log.lines().filter(l -> l.contains(" ERROR ")).toList();
        Figures.report("hostile-once", "inputs", total, "files", files.size(), "specials",
                specials, "done", tally.done(), "failed", tally.failed(), "left",
                tally.inbox() + tally.work() + tally.deferred(), "verified-outputs", verified,
                "errors", errors.size(), "exit", daemon.exit(), "seconds", millis / 1000);

        assertThat(daemon.exit()).as("exit code (2: some failed); log:\n" + daemon.tail())
                .isEqualTo(2);
        assertThat(errors).as("ERROR lines (bugs)").isEmpty();
        assertThat(tally.inbox() + tally.work() + tally.deferred()).as(tally.toString())
                .isZero();
        assertThat(tally.done() + tally.failed()).as(tally.toString()).isEqualTo(total);
        assertThat(verified).isEqualTo(tally.done());
        assertEveryFailedFileHasAReason();
        assertNothingFromOutside(log);
        assertAGoodMessageStillGoesThrough();
    }

    @Test
    @Tag("chaos")
    void messagesNearTheDefaultSizeLimitFitTwoWorkersInA256MegabyteHeap() throws Exception {
        rig.layout().set("max.message.bytes", "52428800");
        int size = 45 * 1024 * 1024;
        byte[] line = new byte[size];
        byte[] head = ChaosRig.message("big-line", "").clone();
        java.util.Arrays.fill(line, (byte) 'x');
        System.arraycopy(head, 0, line, 0, head.length);
        rig.layout().drop("big-one-line.eml", line);
        StringBuilder attachment = new StringBuilder(size + 4096);
        attachment.append(new String(ChaosRig.message("big-attachment", ""),
                StandardCharsets.US_ASCII).replace("Content-Type: text/plain; charset=us-ascii",
                "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64"));
        String row = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
        while (attachment.length() < size) {
            attachment.append(row);
        }
        rig.layout().drop("big-attachment.eml", attachment.toString()
                .getBytes(StandardCharsets.US_ASCII));
        rig.layout().drop("over-default-limit.eml", new byte[52428800 + 1]);

        long started = System.nanoTime();
        ChaosDaemon daemon = ChaosDaemon.once(rig.config());
        long millis = (System.nanoTime() - started) / 1_000_000;

        ChaosRig.Tally tally = rig.tally();
        Figures.report("big-messages", "heap", ChaosDaemon.HEAP, "sizes-mb", "45+45+50",
                "done", tally.done(), "failed", tally.failed(), "out-of-memory", daemon.log()
                .lines().filter(l -> l.contains("does not fit in memory")).count(), "exit",
                daemon.exit(), "seconds", millis / 1000);
        assertThat(daemon.exit()).as(daemon.tail()).isEqualTo(2);
        assertThat(daemon.log()).doesNotContain("worker failed");
        assertThat(rig.layout().reason("over-default-limit.eml")).contains("max.message.bytes");
        assertThat(tally.inbox() + tally.work()).as(tally.toString()).isZero();
        assertThat(tally.done()).as("the attachment at least; " + tally).isGreaterThanOrEqualTo(1);
        assertEveryFailedFileHasAReason();
    }

    @Test
    void linksFifosAndDevicesDroppedWhileTheDaemonRunsAreRefusedAndWorkGoesOn()
            throws Exception {
        try (ChaosDaemon daemon = ChaosDaemon.run(rig.config())) {
            daemon.await(Duration.ofSeconds(60), "start-up", () -> daemon.log()
                    .contains("smime-pickup running"));
            dropSpecials();
            try {
                daemon.await(Duration.ofSeconds(30), "links and FIFOs refused, odd names done",
                        () -> rig.tally().failed() == REFUSED && rig.tally().done() == ODD_NAMES);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; inbox: " + ChaosRig.entries(
                        rig.spool()) + "; failed: " + ChaosRig.entries(rig.spool().resolve(
                        "failed")) + "; log:\n" + daemon.tail(), e);
            }
            rig.layout().dropAtomically("good.eml", ChaosRig.message("good-after-links"));
            daemon.await(Duration.ofSeconds(60), "the good file done", () ->
                    rig.tally().done() == ODD_NAMES + 1);
            assertThat(daemon.stop()).isIn(0, 143);
            Figures.report("hostile-run", "specials", REFUSED + ODD_NAMES, "failed",
                    rig.tally().failed(), "done", rig.tally().done());
        }
        assertEveryFailedFileHasAReason();
        assertThat(checkOutputs()).isEqualTo(ODD_NAMES + 1);
        assertNothingFromOutside(Files.readString(rig.layout().root().resolve(
                "smime-pickup.conf")));
    }

    /**
     * Symlinks to a message outside the spool, to /etc/passwd, to a folder, dangling and to
     * themselves; FIFOs; a character device; names that are not valid UTF-8. Returns how many.
     */
    private int dropSpecials() throws IOException {
        Path inbox = rig.spool();
        String tag = "s" + System.nanoTime();
        Files.createSymbolicLink(inbox.resolve(tag + "-link-to-bait.eml"),
                outside.resolve("bait.eml"));
        Files.createSymbolicLink(inbox.resolve(tag + "-link-to-passwd.eml"),
                Path.of("/etc/passwd"));
        Files.createSymbolicLink(inbox.resolve(tag + "-link-to-folder.eml"), outside);
        Files.createSymbolicLink(inbox.resolve(tag + "-dangling.eml"), outside.resolve("none"));
        Files.createSymbolicLink(inbox.resolve(tag + "-loop.eml"),
                inbox.resolve(tag + "-loop.eml"));
        Files.createSymbolicLink(inbox.resolve(tag + "-relative-up.eml"),
                Path.of("../outside/bait.eml"));
        shell(inbox, "mkfifo " + tag + "-fifo-1.eml " + tag + "-fifo-2.eml && mknod " + tag
                + "-zero-device.eml c 1 5 && printf 'From: alerts@sender.example\\r\\nTo: "
                + "ana@rcpt.example\\r\\n\\r\\nraw name\\r\\n' | tee \"$(printf '" + tag
                + "-raw-\\377\\376.eml')\" \"$(printf '" + tag + "-overlong-\\300\\257.eml')\" "
                + "\"$(printf '" + tag + "-raw-\\351-and\\nnewline.eml')\" > /dev/null");
        return REFUSED + ODD_NAMES;
    }

    private static void shell(Path dir, String script) {
        ExternalTool.Result result = ExternalTool.run(List.of("sh", "-c", "cd '" + dir + "' && "
                + script));
        assertThat(result.ok()).as(result.lastWords()).isTrue();
    }

    /** Decrypts and verifies every output with openssl; returns how many passed. */
    private int checkOutputs() throws IOException {
        int verified = 0;
        TestPki.Identity ana = rig.pki().identity(ChaosRig.ANA);
        for (Path output : ChaosRig.entries(rig.pickup())) {
            byte[] data = Files.readAllBytes(output);
            assertThat(new String(data, StandardCharsets.ISO_8859_1)).doesNotContain(bait);
            Path message = Files.write(root.resolve("out.eml"), PickupFile.parse(data).message());
            ExternalTool.Result decrypted = OpensslCms.decrypt(message, ana);
            assertThat(decrypted.ok()).as(output + ": " + decrypted.lastWords()).isTrue();
            Path signed = Files.write(root.resolve("signed.eml"), decrypted.stdout());
            ExternalTool.Result content = OpensslCms.verify(signed, rig.pki().caCertificate(),
                    false);
            assertThat(content.ok()).as(output + ": " + content.lastWords()).isTrue();
            assertThat(content.stdoutText()).doesNotContain(bait).doesNotContain("root:x:0:0");
            verified++;
        }
        return verified;
    }

    private void assertEveryFailedFileHasAReason() throws IOException {
        for (Path failed : ChaosRig.entries(rig.spool().resolve("failed"))) {
            Path reason = failed.resolveSibling(failed.getFileName() + ".reason");
            assertThat(Files.isRegularFile(reason, LinkOption.NOFOLLOW_LINKS))
                    .as("reason for " + failed).isTrue();
            assertThat(Files.readString(reason)).as("reason for " + failed).isNotBlank();
        }
    }

    private void assertNothingFromOutside(String log) {
        assertThat(log).doesNotContain(bait).doesNotContain("root:x:0:0");
        assertThat(Files.exists(outside.resolve("bait.eml"))).as("the bait stays in place")
                .isTrue();
    }

    private void assertAGoodMessageStillGoesThrough() throws Exception {
        int before = rig.tally().done();
        rig.layout().drop("good.eml", ChaosRig.message("good-after-hostile"));
        ChaosDaemon daemon = ChaosDaemon.once(rig.config());
        assertThat(daemon.exit()).as(daemon.tail()).isZero();
        assertThat(rig.tally().done()).isEqualTo(before + 1);
    }
}
