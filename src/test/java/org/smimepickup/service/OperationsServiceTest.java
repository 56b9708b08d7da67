package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;

/** The daemon as a process: log format and level, the start-up dump, the metrics file, drop. */
class OperationsServiceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TIMESTAMPED =
            "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) .*";

    @TempDir
    Path dir;

    private Process daemon;

    @AfterEach
    void neverLeaveADaemonBehind() {
        if (daemon != null) {
            daemon.destroyForcibly();
        }
    }

    @Test
    void underSystemdLinesCarrySyslogPrioritiesAndNoTimestamps() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign",
                "metrics.file = metrics/smime-pickup.prom");
        Files.createDirectories(fixture.root.resolve("metrics"));
        expiringRecipient(fixture, "soon@rcpt.example", 5);
        daemon = fixture.start("run", Map.of("JOURNAL_STREAM", "8:123456"));

        fixture.drop("one.eml");
        awaitLog(fixture, "outcome=done");
        ServiceFixture.terminate(daemon);

        List<String> lines = lines(fixture.log("run"));
        assertThat(lines).isNotEmpty().allMatch(line -> line.matches("<[3467]>.*"), "<N>...")
                .noneMatch(line -> line.matches("<\\d>\\d{4}-\\d{2}-\\d{2}.*"));
        assertThat(lines).anyMatch(line -> line.startsWith("<6>") && line.contains(
                "outcome=done"));
        assertThat(lines).anyMatch(line -> line.startsWith("<4>check: certs.dir: certificate ")
                && line.contains("soon@rcpt.example.crt") && line.contains("expires on"));
    }

    @Test
    void elsewhereLinesAreTimestampedAndTheStartUpDumpMasksThePassword() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign",
                "smtp.password = do-not-log-me");
        daemon = fixture.start("run", Map.of());

        awaitLog(fixture, "smime-pickup running");
        ServiceFixture.terminate(daemon);

        String log = fixture.log("run");
        assertThat(lines(log)).isNotEmpty().allMatch(line -> line.matches(TIMESTAMPED),
                "date, time, level, message");
        assertThat(log).contains("INFO config smtp.password = ****")
                .contains("INFO config mode = sign").contains("INFO config log.level = info")
                .doesNotContain("do-not-log-me");
    }

    @Test
    void logLevelWarnHidesThePerMessageLinesButNotWarnings() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign",
                "log.level = warn");
        expiringRecipient(fixture, "soon@rcpt.example", 5);
        daemon = fixture.start("run", Map.of());

        fixture.drop("quiet.eml");
        ServiceFixture.poll(DEADLINE, "quiet.eml in done/", () -> fixture.files("done").size()
                == 1);
        ServiceFixture.terminate(daemon);

        String log = fixture.log("run");
        assertThat(log).contains("WARN check: certs.dir: certificate")
                .doesNotContain("outcome=done").doesNotContain(" INFO ");
    }

    @Test
    void runningDaemonWritesTheMetricsFileWithItsOutcomes() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign",
                "metrics.file = metrics/smime-pickup.prom");
        Path metrics = Files.createDirectories(fixture.root.resolve("metrics"))
                .resolve("smime-pickup.prom");
        daemon = fixture.start("run", Map.of());

        fixture.drop("counted.eml");
        String done = "smime_pickup_messages_total{outcome=\"done\"} 1";
        ServiceFixture.poll(DEADLINE, "the done counter in " + metrics,
                () -> read(metrics).contains(done));

        Map<String, Double> samples = PrometheusText.parse(read(metrics));
        assertThat(samples).containsEntry("smime_pickup_spool_files{folder=\"done\"}", 1.0)
                .containsEntry("smime_pickup_message_seconds_count", 1.0);
    }

    @Test
    void dropPrintsTheNameEachFileGotInTheInbox() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"));
        Path message = dir.resolve("report.eml");
        Files.writeString(message, "From: " + ServiceFixture.SENDER + "\r\nTo: "
                + ServiceFixture.RECIPIENT + "\r\nSubject: x\r\n\r\nbody\r\n");

        List<String> printed = drop(fixture, message, message);

        assertThat(printed).hasSize(2);
        assertThat(printed.get(0)).isEqualTo("report.eml");
        assertThat(printed.get(1)).startsWith("report.eml").isNotEqualTo("report.eml")
                .doesNotContain("/");
        for (String name : printed) {
            assertThat(fixture.spool.resolve(name)).exists();
        }
    }

    private static List<String> drop(ServiceFixture fixture, Path... files) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of(Path.of(System.getProperty(
                "java.home"), "bin", "java").toString(), "-cp", ServiceFixture.classPath(),
                "org.smimepickup.cli.Main", "drop", "--config", fixture.config.toString()));
        Arrays.stream(files).map(Path::toString).forEach(line::add);
        Process drop = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(drop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(drop.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(drop.exitValue()).as(out).isZero();
        return lines(out);
    }

    private static void expiringRecipient(ServiceFixture fixture, String address, int days)
            throws Exception {
        DemoPki ca = new DemoPki("expiry CA");
        DemoPki.writePem(fixture.certs.resolve(address + ".crt"), false,
                ca.issue(address, days).certificate());
    }

    private void awaitLog(ServiceFixture fixture, String text) {
        ServiceFixture.poll(DEADLINE, "'" + text + "' in the log", () -> {
            if (!daemon.isAlive()) {
                throw new AssertionError("daemon exited; log:\n" + fixture.log("run"));
            }
            return fixture.log("run").contains(text);
        });
    }

    private static List<String> lines(String text) {
        return text.lines().filter(line -> !line.isBlank()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
