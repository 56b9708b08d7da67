package org.smimepickup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.smimepickup.certs.DemoPki;

/**
 * {@code make bench}: the daemon against an {@code openssl cms} loop on the same inputs and
 * keys, in one run. Prints messages per second, the ratio to each openssl variant, drop-to-
 * output latency with the daemon idle, and peak RSS. Not a test: nothing here asserts a time.
 */
public final class Benchmark {
    private static final String SENDER = "alerts@sender.example";
    private static final List<String> READERS = List.of("ana@rcpt.example", "ben@rcpt.example");
    /** How long each daemon runs at full load before it is measured. */
    private static final int WARM_UP_SECONDS = 40;

    private final Path root;
    private final Path launcher;
    private final List<String> report = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();

    private Benchmark(Path root, Path launcher) {
        this.root = root;
        this.launcher = launcher;
    }

    public static void main(String[] args) throws Exception {
        Path project = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path root = project.resolve("target/bench");
        // ext4 without a journal (as on the CI machines) skips inodes freed in the last minute
        // or so when it allocates one, at a cost per inode skipped: deleting the last run's
        // files now would slow down every file created while we measure. They are moved aside
        // and deleted once the figures are in, and nothing is deleted in between.
        Path trash = project.resolve("target/bench-trash");
        Files.createDirectories(trash);
        if (Files.exists(root)) {
            Files.move(root, trash.resolve("run-" + System.nanoTime()));
        }
        Files.createDirectories(root);
        Benchmark bench = new Benchmark(root, project.resolve("bin/smime-pickup"));
        bench.settle(root);
        bench.run(project);
        if (!Boolean.getBoolean("bench.keepTrash")) {
            FileUtils.deleteDirectory(trash.toFile());
            // written out now, the freed inodes count as recent for one minute, not six
            DaemonUnderTest.syncFilesystem(project.resolve("target"));
        }
    }

    /**
     * On ext4 without a journal, waits until inodes freed by whatever ran before (make test, an
     * earlier benchmark, a big rm) no longer count as recent. The kernel skips an inode freed in
     * the last 60 s (6 minutes while its table block is not yet written out) each time it
     * allocates one, at a cost per inode skipped: right after 100,000 deletions every file
     * created costs several times as much, and the figures would depend on what ran before.
     */
    private void settle(Path dir) throws IOException, InterruptedException {
        DaemonUnderTest.syncFilesystem(dir);
        int seconds = Integer.getInteger("bench.settleSeconds", 65);
        java.nio.file.FileStore store = Files.getFileStore(dir);
        if (store.type().equals("ext4") && !hasJournal(dir) && seconds > 0) {
            line("%s is ext4 without a journal: waiting %d s so that inodes freed before this"
                    + " run do not count as recent (see README, Performance)", store.name(),
                    seconds);
            Thread.sleep(seconds * 1000L);
        }
    }

    private void run(Path project) throws Exception {
        Keys keys = Keys.create(root.resolve("pki"));
        Inputs inputs = Inputs.create(project, root.resolve("inputs"));
        line("inputs: 19 KB newsletter (%d bytes), 577 KB PDF report (%d bytes), 25 MB attachment"
                + " (%d bytes); sign+encrypt to %d recipients; %d cores",
                inputs.small.length, inputs.large.length, Files.size(inputs.huge), READERS.size(),
                Runtime.getRuntime().availableProcessors());

        if ("pickup".equals(System.getProperty("bench.only"))) {
            pickupOnly(keys, inputs);
            return;
        }
        double opensslSmall = OpensslLoop.rate(keys, inputs.small, 200, 1, root.resolve("o1"));
        double opensslSmallP2 = OpensslLoop.rate(keys, inputs.small, 300, 2, root.resolve("o2"));
        double opensslLarge = OpensslLoop.rate(keys, inputs.large, 60, 1, root.resolve("o3"));
        double opensslLargeP2 = OpensslLoop.rate(keys, inputs.large, 80, 2, root.resolve("o4"));
        line("openssl cms sign | encrypt, 19 KB: %.0f/s sequential, %.0f/s with xargs -P2",
                opensslSmall, opensslSmallP2);
        line("openssl cms sign | encrypt, 577 KB: %.0f/s sequential, %.0f/s with xargs -P2",
                opensslLarge, opensslLargeP2);

        try (DaemonUnderTest daemon = DaemonUnderTest.start(this, keys, "pickup", null, "")) {
            // the daemon runs for weeks: the figures are for compiled code, not for the JIT's
            // first half-minute (C2 compiles about 1,200 methods, some 20 s of CPU on 2 cores),
            // which is reported on its own
            double cold = daemon.throughput(inputs.small, 1000);
            line("daemon to pickup, first 1,000 19 KB messages after start (JIT warming up):"
                    + " %.0f/s", cold);
            daemon.warmUp(inputs.small, inputs.large, WARM_UP_SECONDS);
            double[] small = median(() -> daemon.throughput(inputs.small, 6000));
            line("daemon to pickup (fsync'd), 19 KB: %.0f/s = %.1fx sequential openssl, %.1fx"
                    + " openssl -P2 (median of 3 runs of 6,000: %.0f to %.0f/s)", small[0],
                    small[0] / opensslSmall, small[0] / opensslSmallP2, small[1], small[2]);
            double[] large = median(() -> daemon.throughput(inputs.large, 600));
            line("daemon to pickup (fsync'd), 577 KB: %.0f/s = %.1fx sequential openssl, %.1fx"
                    + " openssl -P2 (median of 3 runs of 600: %.0f to %.0f/s)", large[0],
                    large[0] / opensslLarge, large[0] / opensslLargeP2, large[1], large[2]);
            targets.add(target("19 KB to pickup", small[0], 1800, "/s"));
            targets.add(target("19 KB vs sequential openssl", small[0] / opensslSmall, 9, "x"));
            targets.add(target("19 KB vs openssl -P2", small[0] / opensslSmallP2, 4.5, "x"));
            targets.add(target("577 KB to pickup", large[0], 300, "/s"));
            long[] latency = daemon.idleLatencies(inputs.small, 200);
            double p50 = latency[latency.length / 2] / 1e6;
            line("drop-to-output latency, daemon idle, 19 KB: p50 %.1f ms, p99 %.1f ms", p50,
                    latency[latency.length * 99 / 100] / 1e6);
            targets.add(p50 <= 20 ? String.format(Locale.ROOT,
                    "idle latency p50 <= 20 ms: met (%.1f ms)", p50) : String.format(Locale.ROOT,
                    "idle latency p50 <= 20 ms: MISSED (%.1f ms)", p50));
            line("daemon peak RSS: %d MB", daemon.peakRssKb() / 1024);
        }

        SmtpSink sink = SmtpSink.start(root.resolve("sink"));
        if (sink == null) {
            line("SMTP: skipped, Postfix's smtp-sink is not installed (apt-get install postfix)");
            targets.add("19 KB by SMTP: not measured (no smtp-sink)");
        } else {
            try (sink; DaemonUnderTest daemon = DaemonUnderTest.start(this, keys, "smtp",
                    sink.port(), "")) {
                daemon.warmUp(inputs.small, null, WARM_UP_SECONDS);
                double[] smtp = median(() -> daemon.throughput(inputs.small, 6000));
                line("daemon to SMTP (smtp-sink), 19 KB: %.0f/s = %.1fx sequential openssl,"
                        + " %.1fx openssl -P2 (median of 3 runs of 6,000: %.0f to %.0f/s)",
                        smtp[0], smtp[0] / opensslSmall, smtp[0] / opensslSmallP2, smtp[1],
                        smtp[2]);
                targets.add(target("19 KB by SMTP", smtp[0], 1500, "/s"));
            }
        }

        try (DaemonUnderTest daemon = DaemonUnderTest.start(this, keys, "pickup", null,
                "-Xmx128m")) {
            long started = System.nanoTime();
            boolean ok = daemon.one(inputs.huge, 300);
            line("25 MB message with -Xmx128m: %s in %.1f s, peak RSS %d MB", ok ? "delivered"
                    : "NOT delivered (see " + daemon.logFile() + ")",
                    (System.nanoTime() - started) / 1e9, daemon.peakRssKb() / 1024);
            targets.add("25 MB with -Xmx128m: " + (ok ? "met" : "MISSED"));
        }
        targets.forEach(t -> line("target: %s", t));
        Files.write(root.resolve("report.txt"), report);
    }

    /**
     * Only the 19 KB to pickup figure, for profiling: {@code -Dbench.only=pickup}, with
     * {@code -Dbench.rounds=N} runs of 6,000 (default 3) after the usual warm-up, each printed.
     */
    private void pickupOnly(Keys keys, Inputs inputs) throws Exception {
        try (DaemonUnderTest daemon = DaemonUnderTest.start(this, keys, "pickup", null, "")) {
            daemon.warmUp(inputs.small, inputs.large, WARM_UP_SECONDS);
            int rounds = Integer.getInteger("bench.rounds", 3);
            for (int i = 0; i < rounds; i++) {
                long[] before = daemon.cpuTicks();
                double rate = daemon.throughput(inputs.small, 6000);
                long[] after = daemon.cpuTicks();
                // CPU per message varies less between runs than the rate: for comparing changes
                line("daemon to pickup (fsync'd), 19 KB, run %d: %.0f/s (ended at %d ms);"
                        + " daemon CPU per message: user %.0f us, system %.0f us", i + 1, rate,
                        System.currentTimeMillis(), (after[0] - before[0]) * 1e4 / 6000,
                        (after[1] - before[1]) * 1e4 / 6000);
            }
            line("daemon peak RSS: %d MB", daemon.peakRssKb() / 1024);
        }
    }

    /**
     * Whether the ext4 filesystem holding {@code dir} has a journal: jbd2 lists a journal as
     * {@code /proc/fs/jbd2/KNAME-INODE}, KNAME being the block device's kernel name, found
     * from the device number (the mount source may be /dev/root or a /dev/mapper link). When
     * in doubt, yes: the benchmark then waits for nothing.
     */
    private static boolean hasJournal(Path dir) {
        try {
            long dev = ((Number) Files.getAttribute(dir, "unix:dev")).longValue();
            long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
            long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
            Path block = Files.readSymbolicLink(Path.of("/sys/dev/block/" + major + ":"
                    + minor));
            String kernelName = block.getFileName().toString();
            try (Stream<Path> journals = Files.list(Path.of("/proc/fs/jbd2"))) {
                return journals.anyMatch(j -> j.getFileName().toString()
                        .startsWith(kernelName + "-"));
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** A throughput measured three times: the median, then the lowest and the highest. */
    private static double[] median(Measure measure) throws Exception {
        double[] runs = {measure.rate(), measure.rate(), measure.rate()};
        java.util.Arrays.sort(runs);
        return new double[] {runs[1], runs[0], runs[2]};
    }

    @FunctionalInterface
    private interface Measure {
        double rate() throws Exception;
    }

    /** "NAME >= GOAL: met (FIGURE)" or "... MISSED by N % (FIGURE)", for the summary. */
    private static String target(String name, double figure, double goal, String unit) {
        String shown = String.format(Locale.ROOT, unit.equals("x") ? "%.1f%s" : "%.0f%s",
                figure, unit);
        String wanted = String.format(Locale.ROOT, unit.equals("x") ? "%.1f%s" : "%,.0f%s",
                goal, unit);
        return figure >= goal ? name + " >= " + wanted + ": met (" + shown + ")"
                : String.format(Locale.ROOT, "%s >= %s: MISSED by %.0f %% (%s)", name, wanted,
                        100 * (goal - figure) / goal, shown);
    }

    void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.add(text);
        System.out.println(text);
    }

    Path root() {
        return root;
    }

    /** Where a measured phase's outputs go: out of the way, deleted after the last figure. */
    Path trash() throws IOException {
        return Files.createDirectories(root.resolveSibling("bench-trash"));
    }

    /** bin/smime-pickup: the daemon starts as an operator starts it, with its JVM options. */
    Path launcher() {
        return launcher;
    }

    /** The PKI: one signer, two readers, as PEM files both the daemon and openssl read. */
    record Keys(Path keysDir, Path certsDir, Path signerKey, Path signerCert,
            List<Path> readerCerts) {
        static Keys create(Path dir) throws Exception {
            Path keys = Files.createDirectories(dir.resolve("keys"));
            Path certs = Files.createDirectories(dir.resolve("certs"));
            DemoPki ca = new DemoPki("smime-pickup benchmark CA");
            DemoPki.Issued signer = ca.issue(SENDER, 30);
            DemoPki.writePem(keys.resolve(SENDER + ".pem"), true, signer.keys().getPrivate());
            DemoPki.writePem(keys.resolve(SENDER + ".crt"), false, signer.certificate());
            List<Path> readerCerts = new ArrayList<>();
            for (String reader : READERS) {
                Path cert = certs.resolve(reader + ".crt");
                DemoPki.writePem(cert, false, ca.issue(reader, 30).certificate());
                readerCerts.add(cert);
            }
            return new Keys(keys, certs, keys.resolve(SENDER + ".pem"),
                    keys.resolve(SENDER + ".crt"), readerCerts);
        }
    }

    /** The three inputs, each addressed to the two readers through pickup envelope lines. */
    static final class Inputs {
        byte[] small;
        byte[] large;
        Path huge;

        static Inputs create(Path project, Path dir) throws IOException {
            Files.createDirectories(dir);
            Path fixtures = project.resolve("test-fixtures/realistic");
            Inputs inputs = new Inputs();
            inputs.small = addressed(Files.readAllBytes(
                    fixtures.resolve("newsletter-html-inline-image-crlf.eml")));
            inputs.large = addressed(Files.readAllBytes(
                    fixtures.resolve("report-pdf-attachment-crlf.eml")));
            inputs.huge = dir.resolve("huge.eml");
            Files.write(inputs.huge, addressed(huge()));
            return inputs;
        }

        private static byte[] addressed(byte[] message) {
            StringBuilder envelope = new StringBuilder("x-sender: " + SENDER + "\r\n");
            READERS.forEach(r -> envelope.append("x-receiver: ").append(r).append("\r\n"));
            byte[] head = envelope.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(head, head.length + message.length);
            System.arraycopy(message, 0, all, head.length, message.length);
            return all;
        }

        /** A text part and 18.75 MB of random bytes as base64: 25 MB on the wire. */
        private static byte[] huge() {
            byte[] attachment = new byte[18_750_000];
            new Random(7).nextBytes(attachment);
            String head = "From: Alerts <" + SENDER + ">\r\nTo: ana@rcpt.example\r\n"
                    + "Subject: Big attachment\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                    + "Content-Type: text/plain\r\n\r\nSee the attachment.\r\n--b\r\n"
                    + "Content-Type: application/octet-stream; name=big.bin\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n";
            byte[] body = java.util.Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
                    .encode(attachment);
            String tail = "\r\n--b--\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[h.length + body.length + t.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            System.arraycopy(t, 0, all, h.length + body.length, t.length);
            return all;
        }
    }

    static long countFiles(Path dir) {
        return countFiles(dir, name -> true);
    }

    static long countFiles(Path dir, java.util.function.Predicate<String> counted) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> counted.test(f.getFileName().toString())).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WatchService watch(Path dir) throws IOException {
        WatchService watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        return watcher;
    }

    static void waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + process.info().commandLine());
        }
    }
}
