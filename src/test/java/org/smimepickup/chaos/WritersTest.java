package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.PickupFile;
import org.smimepickup.testing.Poll;

/**
 * Producers as they behave in the field, against a running daemon: a slow writer in place
 * holding {@code flock(1)}, a slow writer in {@code tmp/} that renames in, a burst of files
 * at once, and two daemons sharing one spool. Nothing may be claimed half-written, and every
 * file is processed exactly once. (A writer in place without any lock cannot be told from a
 * finished file; README lists that as a limitation, so it is not tested as if it worked.)
 */
class WritersTest {
    private static final int PIECE_LINES = 14_000;
    private static final Duration DEADLINE = Duration.ofMinutes(6);

    @TempDir
    Path root;

    private ChaosRig rig;

    @BeforeEach
    void layOut() throws Exception {
        rig = ChaosRig.create(root);
    }

    @Test
    void slowWritersWithFlockOrARenameFromTmpAreNeverClaimedHalfWritten() throws Exception {
        Path pieces = Files.createDirectories(root.resolve("pieces"));
        for (int p = 0; p < 3; p++) {
            Files.writeString(pieces.resolve("piece" + p), piece(p));
        }
        Files.write(pieces.resolve("head"), ChaosRig.message("slow-flock", ""));
        try (ChaosDaemon daemon = ChaosDaemon.run(rig.config())) {
            daemon.await(DEADLINE, "start-up", () -> daemon.log().contains("running"));
            Path target = rig.spool().resolve("slow-flock.eml");
            Process writer = new ProcessBuilder("flock", target.toString(), "sh", "-c",
                    "cat head > \"$0\" && for p in 0 1 2; do sleep 1; cat piece$p >> \"$0\";"
                    + " done", target.toString()).directory(pieces.toFile()).start();
            writeSlowlyAndRename(rig.spool().resolve("tmp/slow-rename.eml"),
                    rig.spool().resolve("slow-rename.eml"), target);
            assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(writer.exitValue()).isZero();
            daemon.await(DEADLINE, "both done", () -> rig.tally().done() == 2);
            daemon.stop();
        }
        assertThat(rig.tally().failed()).isZero();
        for (Path output : ChaosRig.entries(rig.pickup())) {
            String content = decryptAndVerify(output);
            for (int p = 0; p < 3; p++) {
                assertThat(content).as(output + " piece " + p).contains(piece(p));
            }
        }
        Figures.report("slow-writers", "writers", 2, "bytes-each", 3 * piece(0).length(),
                "done", rig.tally().done(), "whole", ChaosRig.count(rig.pickup()));
    }

    /** About 1 MB of numbered lines that survive canonicalisation unchanged. */
    private static String piece(int p) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < PIECE_LINES; i++) {
            text.append(String.format("piece %d line %06d of the slow writer's message, padded"
                    + " to seventy-odd\r\n", p, i));
        }
        return text.toString();
    }

    /**
     * Writes a message into tmp/ in three pieces, in step with the flock writer (which pauses a
     * second between pieces, so the daemon rescans meanwhile), then renames it into the inbox.
     */
    private void writeSlowlyAndRename(Path partial, Path target, Path paceSetter)
            throws IOException {
        try (FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(ChaosRig.message("slow-rename", "")));
            for (int p = 0; p < 3; p++) {
                long grown = (long) (p + 1) * piece(p).length();
                // once finished and claimed, the flock writer's file leaves the inbox
                Poll.until(Duration.ofSeconds(30), "flock writer's piece " + p, () ->
                        paceSetter.toFile().length() > grown || !Files.exists(paceSetter));
                out.write(ByteBuffer.wrap(piece(p).getBytes(StandardCharsets.US_ASCII)));
                out.force(false);
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private String decryptAndVerify(Path output) throws IOException {
        Path message = Files.write(root.resolve("out.eml"),
                PickupFile.parse(Files.readAllBytes(output)).message());
        ExternalTool.Result decrypted = OpensslCms.decrypt(message, rig.pki().identity(
                ChaosRig.ANA));
        assertThat(decrypted.ok()).as(decrypted.lastWords()).isTrue();
        Path signed = Files.write(root.resolve("signed.eml"), decrypted.stdout());
        ExternalTool.Result verified = OpensslCms.verify(signed, rig.pki().caCertificate(),
                false);
        assertThat(verified.ok()).as(verified.lastWords()).isTrue();
        return verified.stdoutText();
    }

    @Test
    @Tag("reduced")
    void burstOfFiveHundredIntoARunningDaemonIsProcessedExactlyOnce() throws Exception {
        burst(500);
    }

    @Test
    @Tag("chaos")
    void burstOfFiveThousandIntoARunningDaemonIsProcessedExactlyOnce() throws Exception {
        burst(5_000);
    }

    private void burst(int files) throws Exception {
        long started;
        String log;
        try (ChaosDaemon daemon = ChaosDaemon.run(rig.config())) {
            daemon.await(DEADLINE, "start-up", () -> daemon.log().contains("running"));
            started = System.nanoTime();
            rig.burst("b", files);
            daemon.await(DEADLINE, files + " settled", () -> rig.tally().settled() >= files);
            daemon.stop();
            log = daemon.log();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        checkExactlyOnce("burst", files, List.of(log), millis);
    }

    @Test
    @Tag("reduced")
    void twoDaemonsOnOneSpoolNeverProcessAMessageTwice() throws Exception {
        twoDaemons(300);
    }

    @Test
    @Tag("chaos")
    void twoDaemonsOnOneSpoolNeverProcessAnyOfThreeThousandTwice() throws Exception {
        twoDaemons(3_000);
    }

    private void twoDaemons(int files) throws Exception {
        Path config = rig.config();
        long started;
        List<String> logs = new ArrayList<>();
        try (ChaosDaemon first = ChaosDaemon.run(config);
                ChaosDaemon second = ChaosDaemon.run(config)) {
            first.await(DEADLINE, "start-up", () -> first.log().contains("running"));
            second.await(DEADLINE, "start-up", () -> second.log().contains("running"));
            started = System.nanoTime();
            rig.burst("t", files);
            first.await(DEADLINE, files + " settled", () -> rig.tally().settled() >= files);
            first.stop();
            second.stop();
            logs.add(first.log());
            logs.add(second.log());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        checkExactlyOnce("two-daemons", files, logs, millis);
    }

    private void checkExactlyOnce(String scenario, int files, List<String> logs, long millis)
            throws IOException {
        List<byte[]> outputs = new ArrayList<>();
        int partial = 0;
        for (Path output : ChaosRig.entries(rig.pickup())) {
            outputs.add(Files.readAllBytes(output));
            partial += Outputs.pickupProblem(output) == null ? 0 : 1;
        }
        Map<String, Integer> byId = Outputs.byMessageId(outputs);
        List<Long> perDaemon = logs.stream().map(l -> l.lines()
                .filter(line -> line.contains(" outcome=")).count()).toList();
        ChaosRig.Tally tally = rig.tally();
        Figures.report(scenario, "files", files, "done", tally.done(), "failed", tally.failed(),
                "outputs", outputs.size(), "distinct", byId.size(), "duplicates",
                Outputs.duplicates(byId), "partial", partial, "per-daemon", perDaemon,
                "seconds", millis / 1000, "per-second", files * 1000L / Math.max(1, millis));

        assertThat(tally.done()).as(tally.toString()).isEqualTo(files);
        assertThat(tally.inbox() + tally.work() + tally.failed() + tally.deferred()).isZero();
        assertThat(outputs).hasSize(files);
        assertThat(byId).hasSize(files);
        assertThat(partial).isZero();
        assertThat(perDaemon.stream().mapToLong(Long::longValue).sum())
                .as("log lines with an outcome").isEqualTo(files);
    }
}
