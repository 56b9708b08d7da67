package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.impl.matchers.GroupMatcher;
import org.smimepickup.config.Config;

/** The scheduler as the daemon starts it: the named jobs, their timing, their wiring. */
class DaemonJobsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyJobIsScheduledByNameAndExpiryWaitsADayAfterTheStartUpChecks() throws Exception {
        Daemon daemon = daemon("done.retention.days = 0");
        Scheduler scheduler = DaemonJobs.start(daemon);
        try {
            Set<String> names = scheduler.getJobKeys(GroupMatcher.anyJobGroup()).stream()
                    .map(JobKey::getName).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrder("rescan-inbox", "retry-deferred",
                    "metrics", "done-retention", "certificate-expiry");

            Instant next = scheduler.getTriggersOfJob(JobKey.jobKey("certificate-expiry"))
                    .get(0).getNextFireTime().toInstant();
            assertThat(next).isBetween(Instant.now().plus(Duration.ofHours(23)),
                    Instant.now().plus(Duration.ofHours(25)));
        } finally {
            scheduler.shutdown(true);
        }
    }

    @Test
    void doneRetentionJobRemovesAnOldDoneFileWhenRun() throws Exception {
        Daemon daemon = daemon("done.retention.days = 7");
        Path old = daemon.spool().done().resolve("old.eml");
        Files.writeString(old, "Subject: old\r\n\r\nx\r\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Scheduler scheduler = DaemonJobs.start(daemon);
        try {
            ServiceFixture.poll(DEADLINE, "old.eml removed by the hourly job's first run",
                    () -> !Files.exists(old));
        } finally {
            scheduler.shutdown(true);
        }
    }

    private Daemon daemon(String setting) throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), setting);
        return new Daemon(Config.load(fixture.config));
    }
}
