package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.DaemonLog;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/** One INFO line per message, with what an operator needs and nothing secret. */
class LogLineTest {
    private static final String BODY_MARKER = "quarterly-figures-7f3a9c";
    private static final String DELIVERED = "delivered.eml";
    private static final String REFUSED = "refused.eml";

    @TempDir
    static Path root;
    private static TestPki pki;
    private static BatchRun run;

    @BeforeAll
    static void runOneDeliveredAndOneRefusedMessage() throws Exception {
        pki = TestPki.demo(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        SpoolLayout layout = SpoolLayout.create(root.resolve("daemon"))
                .install(pki, List.of(CaseFiles.SENDER));
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put(DELIVERED, message("ana@rcpt.example", "ben@rcpt.example"));
        inputs.put(REFUSED, message("nobody@nocert.example", "ana@rcpt.example"));
        run = BatchRun.once(layout, inputs);
    }

    private static byte[] message(String to, String cc) {
        return ("From: Alerts <alerts@sender.example>\r\nTo: " + to + "\r\nCc: " + cc
                + "\r\nSubject: Figures\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + "The " + BODY_MARKER + " are attached.\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void deliveredMessageHasOneLineWithIdSenderCountActionOutcomeDestinationAndTime() {
        DaemonLog.Entry entry = run.single(DELIVERED);
        assertThat(entry.line()).contains(" INFO " + entry.id() + " ")
                .contains("from=<alerts@sender.example>").contains("rcpts=2")
                .contains("action=sign+encrypt").contains("outcome=done")
                .containsPattern(" ms=\\d+");
        assertThat(entry.to()).isNotNull();
        assertThat(entry.to().getParent()).isEqualTo(run.layout().root().resolve("pmta/pickup"));
    }

    @Test
    void refusedMessageHasOneLineWithIdOutcomeTimeAndReason() {
        DaemonLog.Entry entry = run.single(REFUSED);
        assertThat(entry.line()).contains(" INFO " + entry.id() + " ")
                .contains("outcome=failed").containsPattern(" ms=\\d+")
                .contains("from=<alerts@sender.example>").contains("rcpts=2")
                .contains("nobody@nocert.example");
    }

    @Test
    void logNeverShowsTheBodyOrKeyMaterial() throws Exception {
        String log = run.log().text();
        assertThat(log).doesNotContain(BODY_MARKER).doesNotContain("PRIVATE KEY");
        for (TestPki.Identity identity : pki.identities()) {
            List<String> pem = Files.readAllLines(identity.key());
            assertThat(log).as("a line of " + identity.address() + "'s private key")
                    .doesNotContain(pem.get(1));
        }
    }
}
