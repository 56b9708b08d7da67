package org.smimepickup.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.testing.SpoolLayout;
import org.smimepickup.testing.TestPki;

/**
 * One spool with keys for a sender and two recipients, tuned for fault tests: two workers,
 * rescans every second, retries after a second. Makes numbered messages whose Message-ID
 * tells them apart in the outputs, and counts what lies in each spool folder.
 */
final class ChaosRig {
    static final String SENDER = "alerts@sender.example";
    static final String ANA = "ana@rcpt.example";
    static final String BEN = "ben@rcpt.example";

    private final SpoolLayout layout;
    private final TestPki pki;

    /** What lies in the spool folders at one moment; hidden and {@code .reason} files aside. */
    record Tally(int inbox, int work, int done, int failed, int deferred) {
        int settled() {
            return done + failed + deferred;
        }

        @Override
        public String toString() {
            return "inbox " + inbox + ", work " + work + ", done " + done + ", failed " + failed
                    + ", deferred " + deferred;
        }
    }

    private ChaosRig(SpoolLayout layout, TestPki pki) {
        this.layout = layout;
        this.pki = pki;
    }

    static ChaosRig create(Path root) throws Exception {
        TestPki pki = TestPki.demo(root.resolve("pki"));
        pki.issueAll(List.of(SENDER, ANA, BEN));
        SpoolLayout layout = SpoolLayout.create(root.resolve("site")).install(pki,
                List.of(SENDER));
        layout.set("workers", "2").set("rescan.seconds", "1").set("retry.first.seconds", "1")
                .set("retry.max.seconds", "2");
        Files.createDirectories(layout.spool().resolve("tmp"));
        return new ChaosRig(layout, pki);
    }

    SpoolLayout layout() {
        return layout;
    }

    TestPki pki() {
        return pki;
    }

    Path spool() {
        return layout.spool();
    }

    Path pickup() {
        return layout.root().resolve("pmta/pickup");
    }

    Path config() throws IOException {
        return layout.writeConfig();
    }

    /** A small text message to both recipients, {@code Message-ID: <chaos-TAG@sender.example>}. */
    static byte[] message(String tag, String body) {
        return ("From: Alerts <" + SENDER + ">\r\nTo: " + ANA + ", " + BEN + "\r\n"
                + "Subject: chaos " + tag + "\r\nMessage-ID: " + messageId(tag) + "\r\n"
                + "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] message(String tag) {
        return message(tag, "message " + tag + "\r\nsecond line\r\n");
    }

    static String messageId(String tag) {
        return "<chaos-" + tag + "@sender.example>";
    }

    /** Writes {@code count} messages into {@code tmp/}, then renames them all into the inbox. */
    List<String> burst(String prefix, int count) throws IOException {
        Path tmp = spool().resolve("tmp");
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i + ".eml";
            Files.write(tmp.resolve(name), message(prefix + "-" + i));
            names.add(name);
        }
        for (String name : names) {
            Files.move(tmp.resolve(name), spool().resolve(name),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return names;
    }

    Tally tally() {
        return new Tally(count(spool()), count(spool().resolve("work")),
                count(spool().resolve("done")), count(spool().resolve("failed")),
                count(spool().resolve("deferred")));
    }

    /** Entries that are messages: not hidden, not a reason, not a folder. */
    static int count(Path dir) {
        return entries(dir).size();
    }

    static List<Path> entries(Path dir) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") && !name.endsWith(".reason")
                        && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(file);
                }
            }
        } catch (IOException e) {
            // a folder that changes while it is listed is counted again at the next poll
            return List.of();
        }
        return found;
    }
}
