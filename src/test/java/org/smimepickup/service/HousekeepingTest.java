package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.config.Config;
import org.smimepickup.spool.Claim;
import org.smimepickup.spool.Spool;

/** The timed jobs' work, without the scheduler: done/ retention, expiry warnings, metrics. */
class HousekeepingTest {
    private static final Instant NOW = Instant.parse("2026-12-10T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void retentionRemovesOnlyDoneFilesOlderThanTheWindow() throws IOException {
        Spool spool = spool();
        Path old = aged(spool.done().resolve("old.eml"), Duration.ofDays(31));
        Path recent = aged(spool.done().resolve("recent.eml"), Duration.ofDays(29));
        Path hidden = aged(spool.done().resolve(".partial.tmp"), Duration.ofDays(90));
        Path failed = aged(spool.failed().resolve("failed.eml"), Duration.ofDays(90));

        int removed = DoneRetention.clean(spool, Duration.ofDays(30), NOW);

        assertThat(removed).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(hidden).as("not a message file").exists();
        assertThat(failed).as("only done/ is cleaned").exists();
    }

    @Test
    void settlingStampsTheFileSoAnOldInputIsKeptForTheFullWindow() throws IOException {
        Spool spool = spool();
        aged(spool.inbox().resolve("produced-long-ago.eml"), Duration.ofDays(400));

        Path done;
        try (Claim claim = spool.claim(spool.inbox(), "produced-long-ago.eml", false)) {
            claim.stampSettled();
            done = Files.move(claim.path(), spool.done().resolve("produced-long-ago.eml"));
        }

        assertThat(DoneRetention.clean(spool, Duration.ofDays(30), Instant.now())).isZero();
        assertThat(done).exists();
    }

    @Test
    void expiryWarningNamesTheFileAndDateOfASoonExpiringCertificate() throws Exception {
        Config config = configWithCertificates("certs.warn.days = 30");

        List<String> warnings = CertificateExpiry.warnings(config, Instant.now());

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("certs.dir: certificate ")
                .contains(config.certsDir().resolve("soon@rcpt.example.crt").toString())
                .containsPattern("expires on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC");
        assertThat(warnings.get(1)).startsWith("keys.dir: certificate ")
                .contains("signer@sender.example.crt");
        assertThat(String.join("\n", warnings)).doesNotContain("later@rcpt.example");
    }

    @Test
    void expiryWarningWindowFollowsCertsWarnDays() throws Exception {
        Config config = configWithCertificates("certs.warn.days = 3");

        assertThat(CertificateExpiry.warnings(config, Instant.now())).isEmpty();
    }

    @Test
    void metricsFileParsesAsPrometheusTextWithCountersHistogramAndFolders() throws IOException {
        Spool spool = spool();
        aged(spool.done().resolve("a.eml"), Duration.ZERO);
        aged(spool.failed().resolve("b.eml"), Duration.ZERO);
        aged(spool.failed().resolve("b.eml.reason"), Duration.ZERO);
        Metrics metrics = new Metrics();
        metrics.record(Outcome.DONE, Duration.ofMillis(3).toNanos());
        metrics.record(Outcome.DONE, Duration.ofMillis(70).toNanos());
        metrics.record(Outcome.FAILED, Duration.ofSeconds(30).toNanos());
        metrics.record(Outcome.SKIPPED, Duration.ofMillis(1).toNanos());
        Path target = dir.resolve("textfile").resolve("smime-pickup.prom");
        Files.createDirectories(target.getParent());

        MetricsFile.write(target, metrics, spool);
        Map<String, Double> samples = PrometheusText.parse(Files.readString(target));

        assertThat(samples).containsEntry("smime_pickup_messages_total{outcome=\"done\"}", 2.0)
                .containsEntry("smime_pickup_messages_total{outcome=\"failed\"}", 1.0)
                .containsEntry("smime_pickup_messages_total{outcome=\"deferred\"}", 0.0)
                .containsEntry("smime_pickup_message_seconds_bucket{le=\"0.005\"}", 1.0)
                .containsEntry("smime_pickup_message_seconds_bucket{le=\"0.1\"}", 2.0)
                .containsEntry("smime_pickup_message_seconds_bucket{le=\"10.0\"}", 2.0)
                .containsEntry("smime_pickup_message_seconds_bucket{le=\"+Inf\"}", 3.0)
                .containsEntry("smime_pickup_message_seconds_count", 3.0)
                .containsEntry("smime_pickup_spool_files{folder=\"done\"}", 1.0)
                .containsEntry("smime_pickup_spool_files{folder=\"failed\"}", 1.0)
                .containsEntry("smime_pickup_spool_files{folder=\"inbox\"}", 0.0)
                .containsKeys("smime_pickup_spool_files{folder=\"work\"}",
                        "smime_pickup_spool_files{folder=\"deferred\"}");
        assertThat(samples.get("smime_pickup_message_seconds_sum")).isBetween(30.07, 30.08);
        assertThat(bucketsAreCumulative(samples)).isTrue();
        try (var left = Files.list(target.getParent())) {
            assertThat(left).as("no temporary file left beside it").containsExactly(target);
        }
    }

    @Test
    void metricsFileIsReplacedNotAppended() throws IOException {
        Spool spool = spool();
        Metrics metrics = new Metrics();
        Path target = dir.resolve("smime-pickup.prom");
        MetricsFile.write(target, metrics, spool);

        metrics.record(Outcome.DEFERRED, 1_000_000);
        MetricsFile.write(target, metrics, spool);

        assertThat(PrometheusText.parse(Files.readString(target)))
                .containsEntry("smime_pickup_messages_total{outcome=\"deferred\"}", 1.0);
    }

    private static boolean bucketsAreCumulative(Map<String, Double> samples) {
        double previous = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            if (sample.getKey().startsWith("smime_pickup_message_seconds_bucket")) {
                if (sample.getValue() < previous) {
                    return false;
                }
                previous = sample.getValue();
            }
        }
        return true;
    }

    private Spool spool() throws IOException {
        Spool spool = new Spool(dir.resolve("spool"));
        spool.prepare();
        return spool;
    }

    private static Path aged(Path file, Duration age) throws IOException {
        Files.writeString(file, "Subject: x\r\n\r\nbody\r\n");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    /** Recipients expiring in 10 and 400 days, a signing certificate in 20 days. */
    private Config configWithCertificates(String setting) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path certs = Files.createDirectories(dir.resolve("certs"));
        DemoPki ca = new DemoPki("expiry test CA");
        DemoPki.writePem(certs.resolve("soon@rcpt.example.crt"), false,
                ca.issue("soon@rcpt.example", 10).certificate());
        DemoPki.writePem(certs.resolve("later@rcpt.example.crt"), false,
                ca.issue("later@rcpt.example", 400).certificate());
        DemoPki.writePem(keys.resolve("signer@sender.example.crt"), false,
                ca.issue("signer@sender.example", 20).certificate());
        Path file = dir.resolve("expiry.conf");
        Files.writeString(file, "keys.dir = keys\ncerts.dir = certs\n" + setting + "\n");
        return Config.load(file, Map.of());
    }
}
