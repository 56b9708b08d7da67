package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.DaemonLog;
import org.smimepickup.testing.DaemonProcess;
import org.smimepickup.testing.OutputCheck;
import org.smimepickup.testing.Poll;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/** The daemon as a service: {@code run}, files dropped while it runs, then SIGTERM. */
class RunModeTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void filesDroppedWhileItRunsAreDeliveredAndSigtermStopsItCleanly() throws Exception {
        TestPki pki = TestPki.demo(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        SpoolLayout layout = SpoolLayout.create(root.resolve("daemon"))
                .install(pki, List.of(CaseFiles.SENDER)).set("rescan.seconds", "1");
        DaemonProcess daemon = DaemonProcess.run(layout.writeConfig());
        DaemonProcess.Finished finished;
        try {
            daemon.awaitLog("smime-pickup running", DEADLINE);
            dropAndAwait(layout, CaseFiles.only("c02"), 1);
            dropAndAwait(layout, CaseFiles.only("c10", "c13"), 3);
            finished = daemon.stop();
        } finally {
            daemon.kill();
        }

        assertThat(finished.exit()).as("exit status after SIGTERM; log:\n" + finished.log())
                .isIn(0, DaemonProcess.SIGTERM_EXIT);
        assertThat(finished.log()).contains("smime-pickup stopped");
        assertThat(layout.done()).hasSize(3);
        checkOutputs(pki, layout, new DaemonLog(finished.log()));
    }

    /** Drops through spool/tmp and a rename, then waits for {@code total} outputs. */
    private static void dropAndAwait(SpoolLayout layout, Map<String, byte[]> files, int total)
            throws IOException {
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            layout.dropAtomically(file.getKey(), file.getValue());
        }
        Poll.until(DEADLINE, total + " outputs in pickup and originals in done/", () -> {
            try {
                return layout.outputs().size() >= total && layout.done().size() >= total;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void checkOutputs(TestPki pki, SpoolLayout layout, DaemonLog log)
            throws IOException {
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN_AND_ENCRYPT,
                root.resolve("checks"));
        Map<String, byte[]> inputs = CaseFiles.only("c02", "c10", "c13");
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            List<DaemonLog.Entry> lines = log.about(input.getKey());
            assertThat(lines).as("log lines about " + input.getKey()).hasSize(1);
            OutputCheck.Report report = check.check(lines.get(0).to(), input.getValue());
            assertTrue(report.passed(), () -> input.getKey() + ":\n  " + report.describe());
        }
    }
}
