package org.smimepickup.service;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.smimepickup.certs.CertificateStore;
import org.smimepickup.certs.SigningKeys;
import org.smimepickup.certs.TrustAnchors;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.deliver.PickupWriter;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Addresses;
import org.smimepickup.spool.RetryState;
import org.smimepickup.spool.Settler;
import org.smimepickup.spool.Spool;
import org.tinylog.Logger;

/**
 * The daemon: recovers {@code work/}, then feeds inbox files to a pool of workers. Filesystem
 * events are a hint; Quartz jobs rescan the inbox and the due part of {@code deferred/} every
 * {@code rescan.seconds}, and an event overflow triggers a rescan at once. The other timed jobs
 * (metrics file, done/ clean-up, certificate expiry) are listed in {@link DaemonJobs}.
 */
public final class Daemon {
    // replaced together by a reload; a message in flight finishes with the set it started with
    private volatile Config config;
    private volatile Pipeline pipeline;
    private volatile Dispatcher dispatcher;
    private final Spool spool;
    private final Metrics metrics;
    private final SystemdNotifier notifier = SystemdNotifier.fromEnvironment();
    private final AtomicBoolean reloadRequested = new AtomicBoolean();
    private long statusSentNanos;
    private String statusSent = "";
    private final BlockingQueue<Path> queue = new LinkedBlockingQueue<>();
    private final Set<Path> queued = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);

    public Daemon(Config config) throws ConfigException {
        this(config, new Metrics());
    }

    /** As {@link #Daemon(Config)}; a reload passes the running metrics on to its candidate. */
    Daemon(Config config, Metrics metrics) throws ConfigException {
        this.config = config;
        this.metrics = metrics;
        this.spool = new Spool(config.spoolDir());
        PickupWriter pickup = new PickupWriter(config.pickupDir(), config.pickupStagingDir(),
                config.outputMode(), config.outputGroup());
        TrustAnchors trust = trustAnchors(config);
        this.pipeline = new Pipeline(config, new SigningKeys(config.keysDir(),
                config.keysAllowedMode(), trust), new CertificateStore(config.certsDir(), trust),
                pickup);
        this.dispatcher = new Dispatcher(spool, new Settler(spool, config.file()), pipeline,
                config.retryFirstMillis(), config.retryMaxMillis(), config.retryGiveUpMillis(),
                metrics);
        prepare(pickup);
    }

    private static TrustAnchors trustAnchors(Config config) throws ConfigException {
        try {
            return TrustAnchors.load(config.trustDir());
        } catch (PermanentFailure e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private void prepare(PickupWriter pickup) throws ConfigException {
        try {
            spool.prepare();
        } catch (IOException e) {
            throw new ConfigException("cannot create the spool folders under spool.dir "
                    + config.spoolDir() + ": " + e.getMessage());
        }
        // with SMTP delivery the pickup folder is not used and need not exist
        String problem = config.smtp() == null ? pickup.check() : null;
        if (problem != null) {
            throw new ConfigException(problem);
        }
    }

    /**
     * Drains the inbox once, in parallel, and returns the outcome counts. Files that are still
     * locked by their writer are left where they are and counted as skipped.
     */
    public Map<Outcome, Integer> once() throws IOException, InterruptedException {
        recover();
        ExecutorService pool = Executors.newFixedThreadPool(config.workers());
        Set<String> attempted = new java.util.HashSet<>();
        try {
            // a split adds files to the inbox; take those too, but never a name twice
            for (int pass = 0; pass < 3; pass++) {
                List<Future<Outcome>> results = new ArrayList<>();
                for (String name : spool.list(spool.inbox())) {
                    if (attempted.add(name)) {
                        results.add(pool.submit(() -> dispatcher.handle(spool.inbox(), name,
                                false)));
                    }
                }
                if (results.isEmpty()) {
                    break;
                }
                for (Future<Outcome> result : results) {
                    count(join(result));
                }
            }
        } finally {
            pool.shutdown();
        }
        return Map.copyOf(counts);
    }

    private static Outcome join(Future<Outcome> result) throws InterruptedException {
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Logger.error(e.getCause(), "worker failed");
            return Outcome.SKIPPED;
        }
    }

    /**
     * Runs until {@link #stop()}; returns once in-flight messages finished or the grace period
     * ran out.
     */
    public void run() throws IOException, InterruptedException, SchedulerException {
        recover();
        ExecutorService workers = Executors.newFixedThreadPool(config.workers());
        for (int i = 0; i < config.workers(); i++) {
            workers.submit(this::workLoop);
        }
        WatchService watcher = FileSystems.getDefault().newWatchService();
        spool.inbox().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        Scheduler scheduler = DaemonJobs.start(this);
        rescan();
        String to = config.smtp() == null ? "pickup " + config.pickupDir()
                : config.smtp().describe();
        Logger.info("smime-pickup running: spool {} mode {} workers {} to {} keys by {}",
                config.spoolDir(), config.mode(), config.workers(), to,
                config.cryptoEngine().describe());
        notifier.ready(statusLine());

        try {
            watch(watcher);
        } finally {
            // 1. stop taking new work: no events, no rescans; systemd shows "deactivating"
            notifier.stopping("draining: finishing messages in flight");
            watcher.close();
            scheduler.shutdown(false);
            // 2. let workers finish what they hold, within the grace period
            stopping.set(true);
            workers.shutdown();
            boolean drained = workers.awaitTermination(config.shutdownGraceMillis(),
                    TimeUnit.MILLISECONDS);
            // 3. say QUIT to the MTA on idle SMTP sessions
            if (drained) {
                pipeline.close();
            }
            // 4. anything unfinished stays in work/ and is recovered at the next start
            Logger.info("smime-pickup stopped{}", drained ? "" : " (grace period over; unfinished"
                    + " messages stay in work/ for recovery)");
        }
    }

    /** Asks {@link #run()} to stop; safe from a signal handler thread. */
    public void stop() {
        stopping.set(true);
    }

    /** Asks the main loop to reload the configuration; safe from a signal handler thread. */
    public void requestReload() {
        reloadRequested.set(true);
    }

    /** One turn of the main loop's housekeeping: reload on request, watchdog, status line. */
    private void tick() {
        if (reloadRequested.getAndSet(false)) {
            reload();
        }
        notifier.watchdogIfDue();
        reportStatus();
    }

    /**
     * Reads the config file again and checks the new set (keys included) as check-config does;
     * only a set that passes replaces the running one, so a typo never stops the service.
     * Messages in flight finish with the set they started with.
     */
    void reload() {
        notifier.reloading();
        Config running = config;
        Daemon candidate = null;
        try {
            candidate = new Daemon(Config.load(running.file()), metrics);
            List<String> errors = Preflight.check(candidate).errors();
            if (!errors.isEmpty()) {
                throw new ConfigException(String.join("; ", errors));
            }
            adopt(candidate);
        } catch (ConfigException e) {
            if (candidate != null) {
                candidate.pipeline.close();
            }
            Logger.warn("reload of {} refused, the running configuration stays in force: {}",
                    running.file(), e.getMessage());
        }
        notifier.ready(statusLine());
    }

    private void adopt(Daemon candidate) throws ConfigException {
        Config next = candidate.config;
        if (!next.spoolDir().equals(config.spoolDir())) {
            throw new ConfigException("spool.dir changed from " + config.spoolDir() + " to "
                    + next.spoolDir() + "; that takes a restart");
        }
        if (next.workers() != config.workers() || next.rescanSeconds() != config.rescanSeconds()) {
            Logger.warn("reload: workers and rescan.seconds keep their values until a restart");
        }
        Pipeline previous = pipeline;
        pipeline = candidate.pipeline;
        dispatcher = candidate.dispatcher;
        config = next;
        // idle SMTP sessions of the old set say QUIT now; busy ones when their message ends
        previous.close();
        Logger.info("reloaded {}: mode {}, {}", next.file(), next.mode(), next.smtp() == null
                ? "pickup " + next.pickupDir() : next.smtp().describe());
    }

    /** What {@code systemctl status} shows: outcomes since the start, and the queue. */
    String statusLine() {
        Map<Outcome, Integer> now = counts();
        return "mode " + config.mode() + "; since start: done " + now.getOrDefault(Outcome.DONE, 0)
                + ", failed " + now.getOrDefault(Outcome.FAILED, 0) + ", deferred "
                + now.getOrDefault(Outcome.DEFERRED, 0) + "; queued " + queue.size();
    }

    /** Sends the status line when it changed, at most once a second. */
    private void reportStatus() {
        long now = System.nanoTime();
        if (!notifier.enabled() || now - statusSentNanos < 1_000_000_000L) {
            return;
        }
        String line = statusLine();
        if (!line.equals(statusSent)) {
            notifier.status(line);
            statusSent = line;
            statusSentNanos = now;
        }
    }

    Config config() {
        return config;
    }

    Pipeline pipeline() {
        return pipeline;
    }

    Spool spool() {
        return spool;
    }

    private void recover() throws IOException {
        int recovered = spool.recoverWork();
        if (recovered > 0) {
            Logger.info("recovered {} file(s) from work/ into the inbox", recovered);
        }
    }

    private void watch(WatchService watcher) throws InterruptedException {
        while (!stopping.get()) {
            tick();
            WatchKey key;
            try {
                key = watcher.poll(250, TimeUnit.MILLISECONDS);
            } catch (ClosedWatchServiceException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescan();
                } else if (event.context() instanceof Path name) {
                    offer(spool.inbox().resolve(name.getFileName()));
                }
            }
            key.reset();
        }
    }

    private void workLoop() {
        while (!stopping.get()) {
            Path file;
            try {
                file = queue.poll(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (file == null) {
                continue;
            }
            queued.remove(file);
            count(dispatcher.handle(file.getParent(), file.getFileName().toString(), true));
        }
    }

    private void offer(Path file) {
        if (!stopping.get() && !Spool.isIgnored(file.getFileName().toString())
                && queued.add(file)) {
            queue.add(file);
        }
    }

    /** Queues every inbox file and every deferred file whose retry time has come. */
    void rescan() {
        rescanInbox();
        retryDeferred();
    }

    /** Queues every inbox file; the {@code rescan-inbox} job (see {@link DaemonJobs}). */
    void rescanInbox() {
        try {
            for (String name : spool.list(spool.inbox())) {
                offer(spool.inbox().resolve(name));
            }
        } catch (IOException e) {
            Logger.warn("rescan of {} failed: {}", config.spoolDir(),
                    Addresses.printable(e.getMessage()));
        }
    }

    /** Queues deferred files whose retry time has come; the {@code retry-deferred} job. */
    void retryDeferred() {
        try {
            long now = System.currentTimeMillis();
            for (String name : spool.list(spool.deferred())) {
                RetryState state = RetryState.load(spool.deferred().resolve(name));
                if (state == null || state.nextAttemptMillis() <= now) {
                    offer(spool.deferred().resolve(name));
                }
            }
        } catch (IOException e) {
            Logger.warn("rescan of {} failed: {}", spool.deferred(),
                    Addresses.printable(e.getMessage()));
        }
    }

    Metrics metrics() {
        return metrics;
    }

    private synchronized void count(Outcome outcome) {
        counts.merge(outcome, 1, Integer::sum);
    }

    public synchronized Map<Outcome, Integer> counts() {
        return Map.copyOf(counts);
    }
}
