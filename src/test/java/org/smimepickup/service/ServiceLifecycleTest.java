package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as systemd runs it: a real process, notify socket, SIGHUP and SIGTERM. */
class ServiceLifecycleTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int SIGTERM_EXIT = 128 + 15;

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
    void systemdHearsReadyStatusWatchdogReloadingAndStopping() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        try (NotifyReceiver systemd = new NotifyReceiver(dir.resolve("notify").toString())) {
            daemon = fixture.start("run", Map.of("NOTIFY_SOCKET", systemd.name(),
                    "WATCHDOG_USEC", "2000000"));

            systemd.await("READY=1", DEADLINE);
            systemd.await("WATCHDOG=1", DEADLINE);
            fixture.drop("one.eml");
            assertThat(systemd.await("STATUS=mode sign; since start: done 1", DEADLINE))
                    .contains("failed 0");

            ServiceFixture.signal(daemon, "HUP");
            systemd.await("RELOADING=1", DEADLINE);
            systemd.awaitAfter("RELOADING=1", "READY=1", DEADLINE);

            int exit = ServiceFixture.terminate(daemon);
            assertThat(systemd.await("STOPPING=1", DEADLINE)).isEqualTo("STOPPING=1");
            assertThat(exit).isEqualTo(SIGTERM_EXIT);
            assertThat(systemd.received().stream().filter("WATCHDOG=1"::equals).count())
                    .as("a ping a second for a 2 s watchdog").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void sighupAppliesANewModeAndKeepsTheOldConfigWhenTheNewOneIsBroken() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        daemon = fixture.start("run", Map.of());
        processed(fixture, "signed.eml", 1);
        assertThat(lastOutput(fixture)).contains("multipart/signed")
                .doesNotContain("enveloped-data");

        fixture.writeConfig("mode = encrypt");
        ServiceFixture.signal(daemon, "HUP");
        awaitLog(fixture, "reloaded");
        processed(fixture, "encrypted.eml", 2);
        assertThat(lastOutput(fixture)).contains("enveloped-data")
                .doesNotContain("multipart/signed");

        fixture.writeConfig("mode = sign-and-shout");
        ServiceFixture.signal(daemon, "HUP");
        awaitLog(fixture, "refused, the running configuration stays in force");
        processed(fixture, "still-encrypted.eml", 3);
        assertThat(lastOutput(fixture)).contains("enveloped-data");
        assertThat(fixture.log("run")).contains("sign-and-shout");
        assertThat(daemon.isAlive()).isTrue();
    }

    @Test
    void sighupWithABrokenKeyKeepsTheOldKeys() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        daemon = fixture.start("run", Map.of());
        processed(fixture, "before.eml", 1);

        Path otherKeys = fixture.root.resolve("other-keys");
        Files.createDirectories(otherKeys);
        Files.writeString(otherKeys.resolve(ServiceFixture.SENDER + ".pem"), "not a key\n");
        Files.copy(fixture.keys.resolve(ServiceFixture.SENDER + ".crt"),
                otherKeys.resolve(ServiceFixture.SENDER + ".crt"));
        fixture.writeConfig("mode = sign", "keys.dir = other-keys");
        ServiceFixture.signal(daemon, "HUP");
        awaitLog(fixture, "refused");

        processed(fixture, "after.eml", 2);
        assertThat(fixture.log("run")).contains("keys.dir: signing key for "
                + ServiceFixture.SENDER);
        assertThat(fixture.files("failed")).isEmpty();
    }

    @Test
    void underNohupTheStartUpSaysOnceThatSighupCannotReload() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        daemon = fixture.start(List.of("nohup"), "run", Map.of());

        processed(fixture, "one.eml", 1);

        assertThat(fixture.log("run").lines().filter(line -> line.contains("SIGHUP")))
                .singleElement().asString()
                .contains("WARN reload: SIGHUP is ignored by the parent process (nohup?)")
                .endsWith("reload with a restart");
    }

    @Test
    void withXrsTheDaemonStillStartsAndSaysThatSighupCannotReload() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        daemon = fixture.start("run", Map.of("JAVA_TOOL_OPTIONS", "-Xrs"));

        processed(fixture, "one.eml", 1);

        assertThat(fixture.log("run")).contains("WARN reload: the JVM keeps SIGHUP (-Xrs?)");
    }

    @Test
    void sigtermInTheMiddleOfABatchLosesNothing() throws Exception {
        int batch = 40;
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"),
                "mode = sign+encrypt", "shutdown.grace.seconds = 1");
        for (int i = 0; i < batch; i++) {
            fixture.drop("m" + i + ".eml", 20_000);
        }
        daemon = fixture.start("run", Map.of());
        ServiceFixture.poll(DEADLINE, "a first message done",
                () -> !fixture.files("done").isEmpty());

        int exit = ServiceFixture.terminate(daemon);

        assertThat(exit).isEqualTo(SIGTERM_EXIT);
        int done = fixture.files("done").size();
        int waiting = fixture.files("").size() + fixture.files("work").size();
        assertThat(done).as("SIGTERM came in the middle of the batch").isLessThan(batch);
        assertThat(done + waiting).as("every message is in done/, the inbox or work/")
                .isEqualTo(batch);
        assertThat(fixture.files("failed")).isEmpty();
        assertThat(fixture.pickupFiles()).hasSizeGreaterThanOrEqualTo(done);

        Process rest = fixture.start("once", Map.of());
        assertThat(rest.waitFor()).as(fixture.log("once")).isZero();
        assertThat(fixture.files("done")).hasSize(batch);
        assertThat(fixture.files("work")).isEmpty();
    }

    private void processed(ServiceFixture fixture, String name, int done) throws IOException {
        fixture.drop(name);
        ServiceFixture.poll(DEADLINE, name + " in done/", () -> {
            assertThat(daemon.isAlive()).as(fixture.log("run")).isTrue();
            return fixture.files("done").size() == done && fixture.pickupFiles().size() == done;
        });
    }

    private void awaitLog(ServiceFixture fixture, String text) {
        ServiceFixture.poll(DEADLINE, "'" + text + "' in the log",
                () -> fixture.log("run").contains(text));
    }

    private static String lastOutput(ServiceFixture fixture) throws IOException {
        List<Path> files = fixture.pickupFiles();
        Path newest = files.stream().max((a, b) -> Long.compare(a.toFile().lastModified(),
                b.toFile().lastModified())).orElseThrow();
        return Files.readString(newest, StandardCharsets.ISO_8859_1);
    }
}
