package org.smimepickup.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.testing.BatchRun;
import org.smimepickup.testing.CaseFiles;
import org.smimepickup.testing.MimeComparison;
import org.smimepickup.testing.OutputCheck;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * Real mail from public test suites ({@code ../shared/corpus}, read where it lies: it keeps its
 * upstream licences, so it is never copied here) through one {@code once} run. Each message
 * must either round-trip (decrypt, verify, same content) or be refused with a reason.
 */
class CorpusTest {
    private static final String READER = "ana@rcpt.example";
    private static final String NO_AUTHOR = "bounce@corpus.example";
    /** Documentation at the corpus root, not mail. */
    private static final Set<String> NOT_MAIL = Set.of("INDEX.tsv", "SOURCES.md");
    private static final Pattern PLAIN_ADDRESS = Pattern.compile(
            "[A-Za-z0-9._%+=-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

    /**
     * Inputs that MIME parsers read in different ways, so "the same content" has no single
     * meaning; reported, counted neither as verified nor as broken.
     */
    private static final Map<String, String> AMBIGUOUS = Map.of("cpython__msg_35.txt",
            "no blank line after the header: Jakarta Mail drops the first body line as a bad"
                    + " field, the daemon (like Python's email package) keeps it as body",
            "cpython__msg_38.txt",
            "body text holds outer delimiter lines with trailing blanks: RFC 2046 (and Python)"
                    + " read them as delimiters, as the daemon does; Jakarta Mail does not");

    @TempDir
    Path root;

    @Test
    void everyCorpusMessageRoundTripsOrIsRefusedWithAReason() throws Exception {
        Path corpus = CaseFiles.projectRoot().resolve("../shared/corpus").normalize();
        assumeTrue(Files.isDirectory(corpus), "corpus folder " + corpus
                + " is absent: the real-mail test is skipped");
        Map<String, byte[]> originals = read(corpus);
        Map<String, String> authors = authors(originals);

        TestPki pki = TestPki.demo(root.resolve("pki"));
        pki.issue(READER);
        // a message without a From address is signed by its envelope sender, NO_AUTHOR here
        List<String> unissuable = authors.values().stream()
                .distinct().parallel().filter(address -> !issue(pki, address)).toList();
        SpoolLayout layout = SpoolLayout.create(root.resolve("daemon")).install(pki,
                authors.values().stream().filter(a -> pki.identity(a) != null).distinct()
                        .toList());
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        originals.forEach((name, bytes) -> inputs.put(name,
                withEnvelope(bytes, authors.get(name))));

        Figures figures = judge(BatchRun.once(layout, inputs), pki);
        figures.unissuable.addAll(unissuable);
        System.out.println(figures.summary());
        assertEquals(List.of(), figures.broken, figures::summary);
        assertThat(figures.verified * 10).as(figures.summary())
                .isGreaterThanOrEqualTo(inputs.size() * 9);
    }

    /** Every mail file under {@code corpus}, named by its path with {@code __} for "/". */
    private static Map<String, byte[]> read(Path corpus) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(corpus)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = corpus.relativize(file);
                if (relative.getNameCount() == 1 && NOT_MAIL.contains(relative.toString())) {
                    continue;
                }
                files.put(relative.toString().replace("/", "__"), Files.readAllBytes(file));
            }
        }
        return files;
    }

    /** The plain From address of each message, or {@link #NO_AUTHOR}. */
    private static Map<String, String> authors(Map<String, byte[]> originals) {
        Map<String, String> authors = new LinkedHashMap<>();
        Map<String, String> spelling = new TreeMap<>();
        originals.forEach((name, bytes) -> {
            String author = author(bytes);
            // one key per address: the first spelling wins for every case variant
            String key = author.toLowerCase(Locale.ROOT);
            authors.put(name, spelling.computeIfAbsent(key, k -> author));
        });
        return authors;
    }

    private static String author(byte[] message) {
        try {
            boolean bom = message.length > 3 && (message[0] & 0xFF) == 0xEF
                    && (message[1] & 0xFF) == 0xBB && (message[2] & 0xFF) == 0xBF;
            byte[] text = bom ? java.util.Arrays.copyOfRange(message, 3, message.length)
                    : message;
            String[] from = MimeComparison.parse(text).getHeader("From");
            if (from == null || from.length != 1) {
                return NO_AUTHOR;
            }
            InternetAddress[] parsed = InternetAddress.parseHeader(from[0], false);
            String address = parsed.length == 1 ? parsed[0].getAddress() : null;
            return address != null && PLAIN_ADDRESS.matcher(address).matches()
                    ? address : NO_AUTHOR;
        } catch (MessagingException | AssertionError e) {
            return NO_AUTHOR;
        }
    }

    /** False when DemoPki cannot issue for the address (it parses it as part of a DN). */
    private static boolean issue(TestPki pki, String address) {
        try {
            pki.issue(address);
            return true;
        } catch (IllegalArgumentException e) {
            // an address no certificate can name; the message is then refused for lack of a key
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pickup envelope lines in front, with the message's own line ending. */
    private static byte[] withEnvelope(byte[] message, String sender) {
        String eol = firstLineEnd(message);
        byte[] envelope = ("x-sender: " + sender + eol + "x-receiver: " + READER + eol)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[envelope.length + message.length];
        System.arraycopy(envelope, 0, out, 0, envelope.length);
        System.arraycopy(message, 0, out, envelope.length, message.length);
        return out;
    }

    private static String firstLineEnd(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n') {
                return i > 0 && message[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\r\n";
    }

    private Figures judge(BatchRun run, TestPki pki) throws IOException {
        OutputCheck check = new OutputCheck(pki, OutputCheck.Mode.SIGN_AND_ENCRYPT,
                root.resolve("checks"));
        Figures figures = new Figures(run.inputs().size());
        for (Map.Entry<String, byte[]> input : run.inputs().entrySet()) {
            String name = input.getKey();
            if (run.failed(name)) {
                figures.refused.add(name + ": " + run.reason(name).strip().split("\n")[0]);
                continue;
            }
            OutputCheck.Report report = check.check(run.output(name), input.getValue());
            if (report.passed()) {
                figures.verified++;
            } else if (AMBIGUOUS.containsKey(name)) {
                figures.ambiguous.add(name + ": " + AMBIGUOUS.get(name));
            } else {
                figures.broken.add(name + ":\n    " + report.describe());
            }
        }
        return figures;
    }

    /** The counts and the names behind them. */
    private static final class Figures {
        final int total;
        int verified;
        final List<String> refused = new ArrayList<>();
        final List<String> broken = new ArrayList<>();
        final List<String> unissuable = new ArrayList<>();
        final List<String> ambiguous = new ArrayList<>();

        Figures(int total) {
            this.total = total;
        }

        String summary() {
            StringBuilder out = new StringBuilder("corpus: " + total + " messages, " + verified
                    + " verified, " + refused.size() + " refused with reason, "
                    + ambiguous.size() + " read differently by parsers, " + broken.size()
                    + " delivered but not identical");
            refused.forEach(r -> out.append("\n  refused ").append(r));
            unissuable.forEach(u -> out.append("\n  (no test key could be made for ")
                    .append(u).append(", so its messages are refused for want of a key)"));
            ambiguous.forEach(a -> out.append("\n  ambiguous ").append(a));
            broken.forEach(b -> out.append("\n  BROKEN ").append(b));
            return out.toString();
        }
    }
}
