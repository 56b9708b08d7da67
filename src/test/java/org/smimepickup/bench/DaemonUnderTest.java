package org.smimepickup.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real daemon ({@code run}) as a child process on its own spool, for the benchmark. */
final class DaemonUnderTest implements AutoCloseable {
    private static int instances;

    private final Benchmark bench;
    private final boolean smtp;
    private int batches;
    private final Process process;
    private final Path spool;
    private final Path pickup;
    private final Path log;
    private long peakRssKb;

    private DaemonUnderTest(Benchmark bench, boolean smtp, Process process, Path spool,
            Path pickup, Path log) {
        this.bench = bench;
        this.smtp = smtp;
        this.process = process;
        this.spool = spool;
        this.pickup = pickup;
        this.log = log;
    }

    static DaemonUnderTest start(Benchmark bench, Benchmark.Keys keys, String delivery,
            Integer smtpPort, String jvmOptions) throws IOException, InterruptedException {
        Path dir = bench.root().resolve("daemon-" + (++instances));
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Path pickup = Files.createDirectories(dir.resolve("pickup"));
        String config = "spool.dir = " + spool + "\nkeys.dir = " + keys.keysDir()
                + "\ncerts.dir = " + keys.certsDir() + "\nmode = sign+encrypt\npickup.dir = "
                + pickup + "\nrescan.seconds = 5\ndelivery = " + delivery + "\n"
                // the default worker count unless the run asks for another (-Dbench.workers=N)
                + "workers = " + Integer.getInteger("bench.workers", 0) + "\n"
                + (smtpPort == null ? "" : "smtp.host = 127.0.0.1\nsmtp.port = " + smtpPort
                        + "\nsmtp.tls = none\n");
        Path file = dir.resolve("bench.conf");
        Files.writeString(file, config);
        Path log = dir.resolve("daemon.log");

        // through the launcher, as systemd and make run start it: its JVM options are measured
        ProcessBuilder builder = new ProcessBuilder(bench.launcher().toString(), "run",
                "--config", file.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // -Dbench.javaOpts=... adds JVM options to every daemon, for comparing them
        builder.environment().put("JAVA_OPTS", (System.getProperty("bench.javaOpts", "") + " "
                + jvmOptions).strip());
        Process process = builder.start();
        DaemonUnderTest daemon = new DaemonUnderTest(bench, smtpPort != null, process, spool,
                pickup, log);
        daemon.awaitLog("smime-pickup running");
        return daemon;
    }

    Path logFile() {
        return log;
    }

    private void awaitLog(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("daemon did not start, see " + log);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Keeps the daemon busy for {@code seconds}: batches of the small message, with fifty large
     * ones (if given) after each thousand small ones, so that both paths get compiled.
     */
    void warmUp(byte[] small, byte[] large, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            measure(small, 1000);
            if (large != null) {
                measure(large, 50);
            }
        }
    }

    /**
     * Messages per second from the first rename into the inbox until the last one is through:
     * its pickup file written, or (SMTP, no pickup file) its input moved to done/; then every
     * message of the batch must be in done/.
     */
    double throughput(byte[] message, int count) throws IOException, InterruptedException {
        return measure(message, count);
    }

    private double measure(byte[] message, int count) throws IOException, InterruptedException {
        String batch = "b" + (++batches) + "-";
        List<Path> staged = stage(message, count, batch);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        double seconds;
        // the batch is through when every pickup file is there, or (SMTP, no file to count)
        // every input has moved to done/, which happens only after the server said 250
        try (Arrivals outputs = smtp
                ? new Arrivals(spool.resolve("done"), name -> name.startsWith(batch))
                : new Arrivals(pickup, name -> name.endsWith(".eml"))) {
            long started = System.nanoTime();
            for (Path file : staged) {
                Files.move(file, spool.resolve(file.getFileName().toString().substring(1)),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            long lastSeen = 0;
            long lastArrival = System.nanoTime();
            while (!outputs.awaitAtLeast(count, 50)) {
                requireAlive(deadline, count);
                // a message that failed never arrives: after a quiet second (never while files
                // arrive, as listing the inbox would take CPU from the daemon), see whether any
                // is left to come
                if (outputs.seen() != lastSeen) {
                    lastSeen = outputs.seen();
                    lastArrival = System.nanoTime();
                } else if (System.nanoTime() - lastArrival >= 1_000_000_000L
                        && inFlight(batch) == 0) {
                    break;
                }
            }
            seconds = (System.nanoTime() - started) / 1e9;
        }
        sampleRss();

        // the pickup file is written before its input moves to done/: wait for the last moves
        while (inFlight(batch) > 0) {
            requireAlive(deadline, count);
            Thread.sleep(20);
        }
        long done = Benchmark.countFiles(spool.resolve("done"), name -> name.startsWith(batch));
        if (done != count) {
            throw new IllegalStateException(done + " of " + count + " messages in done/, see "
                    + log);
        }
        setAside(pickup);
        return count / seconds;
    }

    private void requireAlive(long deadline, int count) {
        requireAlive();
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(count + " messages not done in 5 minutes, see "
                    + log);
        }
    }

    /** Files of {@code batch} still in the inbox or in work/. */
    private long inFlight(String batch) throws IOException {
        return Benchmark.countFiles(spool, name -> name.startsWith(batch))
                + Benchmark.countFiles(spool.resolve("work"), name -> name.startsWith(batch));
    }

    /** Nanoseconds from the rename into the inbox to the pickup file, one message at a time. */
    long[] idleLatencies(byte[] message, int count) throws IOException, InterruptedException {
        long[] latencies = new long[count];
        List<Path> staged = stage(message, count, "l");
        try (WatchService watcher = Benchmark.watch(pickup)) {
            for (int i = 0; i < count; i++) {
                Thread.sleep(20);
                long started = System.nanoTime();
                Files.move(staged.get(i), spool.resolve("lat-" + i + ".eml"),
                        StandardCopyOption.ATOMIC_MOVE);
                var key = watcher.poll(30, TimeUnit.SECONDS);
                if (key == null) {
                    throw new IllegalStateException("no output within 30 s, see " + log);
                }
                latencies[i] = System.nanoTime() - started;
                key.pollEvents();
                key.reset();
            }
        }
        java.util.Arrays.sort(latencies);
        sampleRss();
        return latencies;
    }

    /** Drops one file and waits for its output (true) or its failure (false). */
    boolean one(Path input, int seconds) throws IOException, InterruptedException {
        Path staged = spool.resolve("tmp/one.eml");
        Files.copy(input, staged);
        Files.move(staged, spool.resolve("one.eml"), StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            sampleRss();
            if (Benchmark.countFiles(pickup) > 0) {
                return true;
            }
            if (Benchmark.countFiles(spool.resolve("failed")) > 0 || !process.isAlive()) {
                return false;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private List<Path> stage(byte[] message, int count, String prefix) throws IOException {
        Path tmp = Files.createDirectories(spool.resolve("tmp"));
        List<Path> staged = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Path file = tmp.resolve("." + prefix + i + ".eml");
            Files.write(file, message);
            staged.add(file);
        }
        // the producer's writes go to disk now, not in the kernel's periodic writeback 30 s
        // later, in the middle of some other run's measurement
        syncFilesystem(tmp);
        return staged;
    }

    /** syncfs(2) on the filesystem holding {@code dir}, through coreutils' {@code sync -f}. */
    static void syncFilesystem(Path dir) throws IOException {
        try {
            Process sync = new ProcessBuilder("sync", "-f", dir.toString()).inheritIO().start();
            if (sync.waitFor() != 0) {
                throw new IOException("sync -f " + dir + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted in sync -f", e);
        }
    }

    /**
     * Empties the pickup folder without deleting (see {@link Benchmark#main}): the daemon is
     * idle here, and writes into the fresh folder by its path.
     */
    private void setAside(Path dir) throws IOException {
        Files.move(dir, bench.trash().resolve(dir.getFileName() + "-" + System.nanoTime()));
        Files.createDirectories(dir);
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("daemon died, see " + log);
        }
    }

    /** The high-water mark of resident memory (VmHWM) the kernel keeps for the process. */
    private void sampleRss() throws IOException {
        Path status = Path.of("/proc/" + process.pid() + "/status");
        if (!Files.exists(status)) {
            return;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                peakRssKb = Math.max(peakRssKb, Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
    }

    /**
     * The daemon's user and system CPU time so far, in clock ticks (1/100 s on Linux), from
     * {@code /proc/PID/stat}; the fields after the command name, which may hold spaces.
     */
    long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    long peakRssKb() throws IOException {
        sampleRss();
        return peakRssKb;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
