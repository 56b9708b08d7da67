package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.deliver.ScriptedSmtpServerAccess;

/**
 * The SMTP server goes down in the middle of a backlog (new connections refused, open ones cut)
 * and comes back on the same port: every message is delivered, none twice beyond the window of
 * a connection cut between the server's acceptance and its reply reaching the daemon.
 */
class SmtpOutageTest {
    private static final Duration DEADLINE = Duration.ofMinutes(6);

    @TempDir
    Path root;

    @Test
    @Tag("reduced")
    void serverDownWhileTwoHundredMessagesWaitLosesNothing() throws Exception {
        outage("smtp-outage", 200, Duration.ZERO);
    }

    @Test
    @Tag("chaos")
    void serverDownForAMinuteUnderAThousandMessagesLosesNothing() throws Exception {
        outage("smtp-outage-minute", 1_000, Duration.ofMinutes(1));
    }

    /** Takes the server down once a quarter is delivered, for at least {@code downFor}. */
    private void outage(String scenario, int messages, Duration downFor) throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        try (ScriptedSmtpServerAccess server = new ScriptedSmtpServerAccess();
                TcpGate gate = new TcpGate(server.port())) {
            rig.layout().set("delivery", "smtp").set("smtp.host", "127.0.0.1")
                    .set("smtp.port", String.valueOf(gate.port())).set("smtp.tls", "none");
            int cut;
            int deferredPeak;
            long millis;
            try (ChaosDaemon daemon = ChaosDaemon.run(rig.config())) {
                daemon.await(DEADLINE, "start-up", () -> daemon.log().contains("running"));
                long started = System.nanoTime();
                rig.burst("o", messages);
                daemon.await(DEADLINE, "a quarter delivered", () ->
                        rig.tally().done() >= messages / 4);
                cut = gate.down();
                long upAt = System.nanoTime() + downFor.toNanos();
                daemon.await(DEADLINE, "the rest deferred while the server is down", () ->
                        rig.tally().done() + rig.tally().deferred() == messages
                                && rig.tally().inbox() + rig.tally().work() == 0
                                && System.nanoTime() - upAt >= 0);
                deferredPeak = rig.tally().deferred();
                assertThat(rig.tally().failed()).isZero();
                gate.up();
                daemon.await(DEADLINE, "all delivered", () -> rig.tally().done() == messages);
                millis = (System.nanoTime() - started) / 1_000_000;
                daemon.stop();
            }
            List<byte[]> received = new ArrayList<>();
            for (int i = 0; i < server.received().size(); i++) {
                received.add(server.message(i));
            }
            Map<String, Integer> byId = Outputs.byMessageId(received);
            int partial = (int) received.stream().filter(m -> Outputs.problem(m) != null)
                    .count();
            Figures.report(scenario, "messages", messages, "down-seconds",
                    downFor.toSeconds(), "connections-cut", cut, "deferred", deferredPeak,
                    "done", rig.tally().done(), "failed", rig.tally().failed(), "received",
                    received.size(), "duplicates", Outputs.duplicates(byId), "partial", partial,
                    "seconds", millis / 1000);
            assertThat(byId).hasSize(messages);
            assertThat(partial).isZero();
            assertThat(Outputs.duplicates(byId)).isLessThanOrEqualTo(cut);
        }
    }
}
