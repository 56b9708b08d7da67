package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.DaemonLog;
import org.smimepickup.testing.ExternalTool;
import org.smimepickup.testing.MimeComparison;
import org.smimepickup.testing.OpensslCms;
import org.smimepickup.testing.OutputCheck;
import org.smimepickup.testing.PickupFile;
import org.smimepickup.testing.PostfixInstance;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * The real daemon ({@code delivery = smtp}, no TLS) injecting every case of
 * {@code test-fixtures/cases/} and every message of {@code test-fixtures/realistic/} into a
 * real Postfix on 127.0.0.1, which delivers them into one Maildir per recipient. Each copy
 * that arrives must decrypt for its recipient and verify with {@code openssl cms}, and decode
 * to the input's content; every recipient gets exactly one copy; the inputs the daemon must
 * refuse reach nobody.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostfixEndToEndTest {
    /** Refused by the daemon in its default mode: no certificate, empty, garbage, path trick. */
    private static final Set<String> REFUSED = Set.of("c14", "c16", "c17", "c18");
    /** Malformed MIME: either refused with a reason or carried through unchanged. */
    private static final String EITHER = "c15";
    private static final Pattern QUEUED_AS = Pattern.compile("queued[ _]as[ _]([0-9A-Za-z]+)");
    private static final Pattern FROM = Pattern.compile(" from=<([^>]*)>");

    @TempDir
    static Path root;
    private TestPki pki;
    private PostfixInstance postfix;
    private BatchRun run;
    /** The copies in the Maildirs by Postfix queue id, one transaction per input. */
    private Map<String, List<PostfixInstance.Copy>> copies;

    @BeforeAll
    void injectEveryMessageThroughPostfix() throws Exception {
        PostfixInstance.require();
        ExternalTool.require("openssl", "apt-get install openssl");
        pki = TestPki.demo(root.resolve("pki")).issueAll(CaseFiles.ADDRESSES);
        postfix = PostfixInstance.start(root.resolve("postfix"),
                CaseFiles.ADDRESSES.subList(1, CaseFiles.ADDRESSES.size()));

        SpoolLayout layout = SpoolLayout.create(root.resolve("daemon"))
                .install(pki, List.of(CaseFiles.SENDER))
                .set("delivery", "smtp")
                .set("smtp.host", "127.0.0.1")
                .set("smtp.port", String.valueOf(postfix.port()))
                .set("smtp.tls", "none");
        Map<String, byte[]> inputs = new LinkedHashMap<>(CaseFiles.all());
        inputs.putAll(realistic());
        run = BatchRun.once(layout, inputs);

        int expected = 0;
        for (String name : inputs.keySet()) {
            if (run.single(name).outcome().equals("done")) {
                expected += receivers(name).size();
            }
        }
        copies = postfix.awaitCopies(expected, Duration.ofSeconds(30)).stream()
                .collect(Collectors.groupingBy(PostfixInstance.Copy::queueId, TreeMap::new,
                        Collectors.toList()));
    }

    @AfterAll
    void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    private static Map<String, byte[]> realistic() throws IOException {
        Map<String, byte[]> messages = new TreeMap<>();
        Path folder = CaseFiles.projectRoot().resolve("test-fixtures/realistic");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")).toList()) {
                messages.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return messages;
    }

    @Test
    void everyMessageThatShouldGoThroughIsQueuedByPostfixAndTheOthersFailWithAReason()
            throws IOException {
        for (String name : run.inputs().keySet()) {
            String prefix = name.substring(0, Math.min(3, name.length()));
            DaemonLog.Entry entry = run.single(name);
            if (REFUSED.contains(prefix)) {
                assertThat(run.reason(name)).as(name).isNotBlank();
            } else if (!(prefix.equals(EITHER) && entry.outcome().equals("failed"))) {
                assertEquals("done", entry.outcome(), () -> name + ": " + entry.line()
                        + "\nreason: " + reasonOf(name));
                assertThat(entry.line()).as(name).contains("smtp://127.0.0.1:"
                        + postfix.port()).containsPattern(QUEUED_AS);
            }
        }
    }

    @Test
    void everyRecipientGetsExactlyOneCopyAndRefusedInputsReachNobody() {
        Map<String, String> queueIds = new TreeMap<>();
        for (String name : run.inputs().keySet()) {
            if (run.single(name).outcome().equals("done")) {
                String id = queueId(name);
                queueIds.put(id, name);
                List<String> got = copies.getOrDefault(id, List.of()).stream()
                        .map(c -> c.deliveredTo().toLowerCase(Locale.ROOT)).sorted().toList();
                assertEquals(List.copyOf(receivers(name)), got, name + " (queue id " + id
                        + "): one copy per recipient");
            }
        }
        assertThat(copies.keySet()).as("queue ids of the copies in the Maildirs, each from an"
                + " input that went to done/").isSubsetOf(queueIds.keySet());
    }

    @Test
    void everyCopyDecryptsForItsRecipientVerifiesAndDecodesToTheInput() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String name : run.inputs().keySet()) {
            if (!run.single(name).outcome().equals("done")) {
                continue;
            }
            for (PostfixInstance.Copy copy : copies.getOrDefault(queueId(name), List.of())) {
                for (String problem : check(name, copy)) {
                    problems.add(name + " to " + copy.deliveredTo() + ": " + problem);
                }
                checked++;
            }
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems:\n  "
                + String.join("\n  ", problems));
        assertThat(checked).as("copies checked").isGreaterThanOrEqualTo(run.inputs().size());
    }

    @Test
    void everyRecipientOfOneMessageGetsTheSameBytesWithTheEnvelopeSenderAsReturnPath() {
        for (String name : run.inputs().keySet()) {
            DaemonLog.Entry entry = run.single(name);
            if (!entry.outcome().equals("done")) {
                continue;
            }
            Matcher from = FROM.matcher(entry.line());
            assertTrue(from.find(), () -> "no from=<...> in " + entry.line());
            List<PostfixInstance.Copy> all = copies.getOrDefault(queueId(name), List.of());
            for (PostfixInstance.Copy copy : all) {
                assertEquals("<" + from.group(1) + ">", copy.returnPath(), name);
                assertTrue(Arrays.equals(all.get(0).message(), copy.message()), () -> name
                        + ": the copy for " + copy.deliveredTo() + " differs from the copy for "
                        + all.get(0).deliveredTo());
            }
        }
    }

    /** Decrypt as the copy's recipient, verify, compare content and outer headers. */
    private List<String> check(String name, PostfixInstance.Copy copy) throws IOException {
        List<String> problems = new ArrayList<>();
        TestPki.Identity recipient = pki.identity(copy.deliveredTo().toLowerCase(Locale.ROOT));
        if (recipient == null) {
            return List.of("delivered to an address without a test key");
        }
        Path folder = Files.createDirectories(root.resolve("checks")
                .resolve(copy.queueId() + "-" + copy.deliveredTo()));
        Path message = Files.write(folder.resolve("message.eml"), copy.message());
        ExternalTool.Result decrypted = OpensslCms.decrypt(message, recipient);
        if (!decrypted.ok()) {
            return List.of("cannot decrypt: " + decrypted.lastWords());
        }
        Path signed = Files.write(folder.resolve("signed.eml"), decrypted.stdout());
        ExternalTool.Result verified = OpensslCms.verify(signed, pki.caCertificate(), false);
        if (!verified.ok()) {
            return List.of("does not verify: " + verified.lastWords());
        }

        PickupFile input = PickupFile.parse(run.input(name));
        List<String> want = MimeComparison.tree(input.message());
        List<String> got = MimeComparison.tree(verified.stdout());
        if (!want.equals(got)) {
            problems.add("content differs:\n    input:  " + String.join("\n            ", want)
                    + "\n    output: " + String.join("\n            ", got));
        }
        problems.addAll(outerHeaderProblems(input, copy.message()));
        return problems;
    }

    /**
     * The input's outer fields unchanged, Date and Message-ID present, no Bcc, and the pickup
     * routing lines (x-job, x-virtual-mta) carried as header fields.
     */
    private static List<String> outerHeaderProblems(PickupFile input, byte[] message) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> want = MimeComparison.outerHeaders(input.message());
        Map<String, List<String>> got = MimeComparison.outerHeaders(message);
        want.forEach((field, values) -> {
            List<String> have = got.getOrDefault(field, List.of());
            boolean same = have.size() == values.size();
            for (int i = 0; same && i < values.size(); i++) {
                same = MimeComparison.sameHeaderValue(values.get(i), have.get(i));
            }
            if (!same) {
                problems.add("outer header " + field + " " + values + " became " + have);
            }
        });
        for (String field : List.of("date", "message-id")) {
            if (!got.containsKey(field)) {
                problems.add("no " + field + " field");
            }
        }
        if (OutputCheck.contentType(message) == null
                || !OutputCheck.contentType(message).contains("application/pkcs7-mime")) {
            problems.add("not enveloped: " + OutputCheck.contentType(message));
        }
        if (hasField(message, "Bcc")) {
            problems.add("a Bcc field in the delivered copy");
        }
        for (PickupFile.Line line : input.envelope()) {
            if (Set.of("x-job", "x-virtual-mta").contains(line.name())
                    && !got.getOrDefault(line.name(), List.of()).contains(line.value())) {
                problems.add("pickup line " + line.name() + ": " + line.value()
                        + " is not a header field of the copy");
            }
        }
        return problems;
    }

    private static boolean hasField(byte[] message, String field) {
        try {
            return MimeComparison.parse(message).getHeader(field) != null;
        } catch (MessagingException e) {
            throw new AssertionError("cannot read the header of a copy: " + e, e);
        }
    }

    /** Who must get {@code name}: its x-receiver lines, else To, Cc and Bcc. */
    private Set<String> receivers(String name) {
        return OutputCheck.expectedReceivers(PickupFile.parse(run.input(name)));
    }

    /** The queue id Postfix gave the input, from its 250 reply in the daemon's log line. */
    private String queueId(String name) {
        DaemonLog.Entry entry = run.single(name);
        Matcher m = QUEUED_AS.matcher(entry.line());
        assertTrue(m.find(), () -> "no 'queued as' in the log line: " + entry.line());
        return m.group(1);
    }

    private String reasonOf(String name) {
        try {
            return run.layout().reason(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
