package org.smimepickup.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.smimepickup.config.Config;
import org.smimepickup.message.Addresses;
import org.tinylog.Logger;

/**
 * The daemon's timed work, as named Quartz jobs:
 * <ul>
 * <li>{@code rescan-inbox}, every {@code rescan.seconds}: queues every inbox file, as
 * filesystem events are only a hint;
 * <li>{@code retry-deferred}, every {@code rescan.seconds}: queues the deferred files whose
 * retry time has come (the backoff itself lives in each file's retry state);
 * <li>{@code metrics}, every {@code rescan.seconds}: rewrites {@code metrics.file} when set;
 * <li>{@code done-retention}, hourly from the start: removes {@code done/} files older than
 * {@code done.retention.days};
 * <li>{@code certificate-expiry}, daily: a WARN line per certificate expiring within
 * {@code certs.warn.days}. The first run is a day after the start, as the start-up checks
 * have just logged the same warnings.
 * </ul>
 * Each job reads the daemon's current configuration when it runs, so a reload changes what the
 * jobs do; their intervals keep the values they started with.
 */
final class DaemonJobs {
    static final String TASK = "task";

    private DaemonJobs() {
    }

    /** Runs the {@link Runnable} in its job data; one run of a job at a time. */
    @DisallowConcurrentExecution
    public static final class Task implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            String name = context.getJobDetail().getKey().getName();
            try {
                ((Runnable) context.getMergedJobDataMap().get(TASK)).run();
            } catch (RuntimeException e) {
                Logger.error(e, "job {} failed (a bug, please report it); it runs again at its"
                        + " next time", name);
            }
        }
    }

    /** Starts the scheduler with every job; {@link Scheduler#shutdown} stops them all. */
    static Scheduler start(Daemon daemon) throws SchedulerException {
        Scheduler scheduler = new StdSchedulerFactory(properties()).getScheduler();
        Duration rescan = Duration.ofSeconds(daemon.config().rescanSeconds());
        Instant now = Instant.now();
        schedule(scheduler, "rescan-inbox", daemon::rescanInbox, rescan, now);
        schedule(scheduler, "retry-deferred", daemon::retryDeferred, rescan, now);
        schedule(scheduler, "metrics", () -> writeMetrics(daemon), rescan, now);
        schedule(scheduler, "done-retention", () -> cleanDone(daemon), Duration.ofHours(1), now);
        schedule(scheduler, "certificate-expiry",
                () -> CertificateExpiry.logWarnings(daemon.config()), Duration.ofDays(1),
                now.plus(Duration.ofDays(1)));
        scheduler.start();
        return scheduler;
    }

    private static Properties properties() {
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.scheduler.instanceName", "smime-pickup");
        // two threads: a long clean-up of done/ must not hold back the inbox rescan
        quartz.setProperty("org.quartz.threadPool.threadCount", "2");
        quartz.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        quartz.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        return quartz;
    }

    private static void schedule(Scheduler scheduler, String name, Runnable task,
            Duration every, Instant first) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(Task.class).withIdentity(name).build();
        job.getJobDataMap().put(TASK, task);
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name)
                .startAt(Date.from(first))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(every.toMillis()).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(job, trigger);
    }

    static void writeMetrics(Daemon daemon) {
        Path target = daemon.config().metricsFile();
        if (target == null) {
            return;
        }
        try {
            MetricsFile.write(target, daemon.metrics(), daemon.spool());
        } catch (IOException e) {
            Logger.warn("metrics: cannot write metrics.file {}: {}", target,
                    Addresses.printable(String.valueOf(e.getMessage())));
        }
    }

    static void cleanDone(Daemon daemon) {
        Config config = daemon.config();
        if (config.doneRetentionDays() == 0) {
            return;
        }
        try {
            int removed = DoneRetention.clean(daemon.spool(),
                    Duration.ofDays(config.doneRetentionDays()), Instant.now());
            if (removed > 0) {
                Logger.info("done-retention: removed {} file(s) older than {} days from {}",
                        removed, config.doneRetentionDays(), daemon.spool().done());
            }
        } catch (IOException e) {
            Logger.warn("done-retention: cannot clean {}: {}", daemon.spool().done(),
                    Addresses.printable(String.valueOf(e.getMessage())));
        }
    }
}
