package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifierTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void withoutNotifySocketEveryCallIsANoOp() {
        SystemdNotifier notifier = new SystemdNotifier(null, null, null, 1);

        notifier.ready("up");
        notifier.watchdogIfDue();

        assertThat(notifier.enabled()).isFalse();
        assertThat(notifier.send("READY=1")).isFalse();
        assertThat(notifier.watchdogIntervalMillis()).isZero();
    }

    @Test
    void statesReachASocketBoundToAPath() {
        String path = dir.resolve("notify").toString();
        try (NotifyReceiver systemd = new NotifyReceiver(path);
                SystemdNotifier notifier = new SystemdNotifier(path, null, null, 1)) {
            notifier.ready("processing");
            notifier.reloading();
            notifier.stopping("draining");

            assertThat(systemd.await("READY=1", DEADLINE)).isEqualTo("READY=1");
            assertThat(systemd.await("STATUS=", DEADLINE)).isEqualTo("STATUS=processing");
            assertThat(systemd.await("RELOADING=1", DEADLINE)).isEqualTo("RELOADING=1");
            assertThat(systemd.await("MONOTONIC_USEC=", DEADLINE)).matches("MONOTONIC_USEC=\\d+");
            assertThat(systemd.await("STOPPING=1", DEADLINE)).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void anAtSignMeansTheAbstractNamespace() {
        String name = "@smime-pickup-test-" + UUID.randomUUID();
        try (NotifyReceiver systemd = new NotifyReceiver(name);
                SystemdNotifier notifier = new SystemdNotifier(name, null, null, 1)) {
            notifier.status("hello");

            assertThat(systemd.await("STATUS=", DEADLINE)).isEqualTo("STATUS=hello");
        }
    }

    @Test
    void abstractAddressStartsWithNulAndHasNoTerminator() {
        byte[] address = SystemdNotifier.sockaddr("@ab");

        assertThat(address).hasSize(2 + 3);
        assertThat(address[2]).isZero();
        assertThat(new String(address, 3, 2)).isEqualTo("ab");
        assertThat(SystemdNotifier.sockaddr("/run/x")).hasSize(2 + 6 + 1);
    }

    @Test
    void watchdogPingsAtHalfTheTimeoutAndOnlyForItsOwnPid() {
        assertThat(SystemdNotifier.watchdogInterval("30000000", null, 7)).isEqualTo(15_000);
        assertThat(SystemdNotifier.watchdogInterval("30000000", "7", 7)).isEqualTo(15_000);
        assertThat(SystemdNotifier.watchdogInterval("30000000", "8", 7)).isZero();
        assertThat(SystemdNotifier.watchdogInterval("soon", null, 7)).isZero();
        assertThat(SystemdNotifier.watchdogInterval(null, null, 7)).isZero();
    }

    @Test
    void watchdogIsNotPingedAgainBeforeItIsDue() {
        String path = dir.resolve("notify").toString();
        try (NotifyReceiver systemd = new NotifyReceiver(path);
                SystemdNotifier notifier = new SystemdNotifier(path, "600000000", null, 1)) {
            notifier.watchdogIfDue();
            notifier.watchdogIfDue();
            notifier.status("marker");

            systemd.await("STATUS=marker", DEADLINE);
            assertThat(systemd.received()).containsExactly("WATCHDOG=1", "STATUS=marker");
        }
    }

    @Test
    void aMissingSocketIsReportedNotThrown() {
        SystemdNotifier notifier = new SystemdNotifier(dir.resolve("gone").toString(), null,
                null, 1);

        assertThat(notifier.send("READY=1")).isFalse();
        notifier.close();
    }
}
