package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.deliver.ScriptedSmtpServerAccess;
import org.smimepickup.testing.PickupFile;

/**
 * SIGKILL at random moments while the daemon works through a backlog, then a restart each
 * time: nothing may be lost, no output may be empty or cut short, and a message may go out
 * twice only once per kill (the window between hand-off and the move to {@code done/}).
 * The moments are chosen by how many messages have settled, so a kill lands anywhere in a
 * message's life: claim, signing, staging, rename, DATA, settle, or start-up recovery.
 */
class CrashTest {
    private static final Duration PHASE = Duration.ofMinutes(6);

    @TempDir
    Path root;

    @Test
    @Tag("reduced")
    void threeKillsDuringThreeHundredPickupMessagesLoseNothing() throws Exception {
        crashPickup(300, 3);
    }

    @Test
    @Tag("reduced")
    void twoKillsDuringOneHundredFiftySmtpMessagesLoseNothing() throws Exception {
        crashSmtp(150, 2);
    }

    @Test
    @Tag("chaos")
    void twentyKillsDuringTenThousandPickupMessagesLoseNothing() throws Exception {
        crashPickup(10_000, 20);
    }

    @Test
    @Tag("chaos")
    void twentyKillsDuringTenThousandSmtpMessagesLoseNothing() throws Exception {
        crashSmtp(10_000, 20);
    }

    private void crashPickup(int messages, int kills) throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        Result result = crash(rig, messages, kills, () -> pickupOutputs(rig));
        // NOTE: a kill between writing and renaming leaves the staged file; PowerMTA never
        // reads staging, but nothing removes it either
        result.report("crash-pickup", "staging-leftovers",
                ChaosRig.count(rig.layout().root().resolve("pmta/staging")));
        result.check();
    }

    private void crashSmtp(int messages, int kills) throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        try (ScriptedSmtpServerAccess server = new ScriptedSmtpServerAccess()) {
            rig.layout().set("delivery", "smtp").set("smtp.host", "127.0.0.1")
                    .set("smtp.port", String.valueOf(server.port())).set("smtp.tls", "none");
            Result result = crash(rig, messages, kills, () -> {
                List<byte[]> received = new ArrayList<>();
                for (int i = 0; i < server.received().size(); i++) {
                    received.add(server.message(i));
                }
                return received;
            });
            result.report("crash-smtp");
            result.check();
        }
    }

    /** What one crash run left behind. */
    private record Result(int messages, int kills, long seed, long millis, ChaosRig.Tally tally,
            Set<String> settledIds, Set<String> doneIds, List<byte[]> outputs,
            List<String> problems) {

        Map<String, Integer> byId() {
            return Outputs.byMessageId(outputs);
        }

        int lost() {
            return messages - settledIds.size();
        }

        int missing() {
            Set<String> out = byId().keySet();
            return (int) doneIds.stream().filter(id -> !out.contains(id)).count();
        }

        void report(String scenario, Object... more) {
            List<Object> figures = new ArrayList<>(List.of("messages", messages, "kills", kills,
                    "done", tally.done(), "failed", tally.failed(), "deferred",
                    tally.deferred(), "lost", lost(), "done-without-output", missing(),
                    "outputs", outputs.size(), "empty-or-partial", problems.size(),
                    "duplicates", Outputs.duplicates(byId()), "seconds", millis / 1000,
                    "per-second", messages * 1000L / Math.max(1, millis)));
            figures.addAll(List.of(more));
            figures.addAll(List.of("seed", seed));
            Figures.report(scenario, figures.toArray());
        }

        void check() {
            assertThat(tally.inbox() + tally.work()).as("left in inbox or work/").isZero();
            assertThat(lost()).as("inputs in none of done/, failed/, deferred/").isZero();
            assertThat(tally.settled()).as("settled files (two would mean a double claim)")
                    .isEqualTo(messages);
            assertThat(tally.failed() + tally.deferred()).as("failed or deferred").isZero();
            assertThat(missing()).as("done/ inputs without an output").isZero();
            assertThat(problems).as("empty or partial outputs").isEmpty();
            assertThat(Outputs.duplicates(byId())).as("duplicates").isLessThanOrEqualTo(kills);
        }
    }

    private Result crash(ChaosRig rig, int messages, int kills, Supplier<List<byte[]>> outputs)
            throws Exception {
        rig.burst("m", messages);
        Path config = rig.config();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Integer> moments = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            moments.add(random.nextInt(messages));
        }
        moments.sort(null);
        long started = System.nanoTime();

        for (int moment : moments) {
            try (ChaosDaemon daemon = ChaosDaemon.run(config)) {
                daemon.await(PHASE, moment + " settled", () -> rig.tally().settled() >= moment);
                daemon.kill();
            }
        }
        try (ChaosDaemon daemon = ChaosDaemon.run(config)) {
            daemon.await(PHASE, "all " + messages + " settled", () -> {
                ChaosRig.Tally tally = rig.tally();
                return tally.inbox() + tally.work() == 0 && tally.settled() >= messages;
            });
            assertThat(daemon.stop()).as("exit after SIGTERM").isIn(0, 143);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        List<byte[]> delivered = outputs.get();
        List<String> problems = new ArrayList<>();
        for (byte[] output : delivered) {
            String problem = Outputs.problem(PickupFile.parse(output).message());
            if (problem != null) {
                problems.add(Outputs.messageId(output) + ": " + problem);
            }
        }
        return new Result(messages, kills, seed, millis, rig.tally(),
                ids(rig, "done", "failed", "deferred"), ids(rig, "done"), delivered, problems);
    }

    private static Set<String> ids(ChaosRig rig, String... folders) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String folder : folders) {
            for (Path file : ChaosRig.entries(rig.spool().resolve(folder))) {
                ids.add(Outputs.messageId(Files.readAllBytes(file)));
            }
        }
        return ids;
    }

    private static List<byte[]> pickupOutputs(ChaosRig rig) {
        List<byte[]> outputs = new ArrayList<>();
        for (Path file : ChaosRig.entries(rig.pickup())) {
            try {
                outputs.add(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return outputs;
    }
}
