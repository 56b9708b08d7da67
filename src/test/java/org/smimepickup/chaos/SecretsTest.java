package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.deliver.AuthSmtpServerAccess;

/**
 * No secret leaves the daemon: the SMTP password (as typed and as AUTH PLAIN / LOGIN carry it)
 * and the signing key (PEM markers and every line of its base64) appear in no log line, no
 * output, no reason file. Pickup files get mode 0640 and the configured group.
 */
class SecretsTest {
    @TempDir
    Path root;

    @Test
    void pickupFilesHaveMode0640AndTheConfiguredGroup() throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        String group = Stream.of("mail", "daemon", "adm").filter(SecretsTest::groupExists)
                .findFirst().orElseThrow();
        rig.layout().set("output.group", group).set("output.mode", "0640");
        rig.burst("g", 5);

        ChaosDaemon daemon = ChaosDaemon.once(rig.config());

        assertThat(daemon.exit()).as(daemon.tail()).isZero();
        List<Path> outputs = ChaosRig.entries(rig.pickup());
        assertThat(outputs).hasSize(5);
        for (Path output : outputs) {
            PosixFileAttributes attributes = Files.readAttributes(output,
                    PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            assertThat(PosixFilePermissions.toString(attributes.permissions()))
                    .isEqualTo("rw-r-----");
            assertThat(attributes.group().getName()).isEqualTo(group);
        }
        Figures.report("output-modes", "outputs", outputs.size(), "mode", "0640", "group",
                group);
    }

    @Test
    void anOutputGroupTheDaemonCannotUseStopsItAtStartUp() throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        rig.layout().set("output.group", "no-such-group-" + UUID.randomUUID());

        ChaosDaemon daemon = ChaosDaemon.once(rig.config());

        assertThat(daemon.exit()).isEqualTo(1);
        assertThat(daemon.log()).contains("output.group");
    }

    @Test
    void aSigningKeyReadableByOthersIsRefusedWithTheChmodThatFixesIt() throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        Path key = rig.layout().keys().resolve(ChaosRig.SENDER + ".pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        rig.burst("k", 1);

        ChaosDaemon daemon = ChaosDaemon.once(rig.config());

        assertThat(rig.tally().done()).isZero();
        assertThat(daemon.log() + String.join("", failedReasons(rig))).contains("chmod");
        Figures.report("unsafe-key-mode", "mode", "0644", "exit", daemon.exit(), "done",
                rig.tally().done());
    }

    private static List<String> failedReasons(ChaosRig rig) throws IOException {
        List<String> reasons = new ArrayList<>();
        try (Stream<Path> files = Files.list(rig.spool().resolve("failed"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".reason")).toList()) {
                reasons.add(Files.readString(file));
            }
        }
        return reasons;
    }

    private static boolean groupExists(String name) {
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void noLogLineOutputOrReasonHoldsThePasswordOrKeyMaterial() throws Exception {
        ChaosRig rig = ChaosRig.create(root);
        String user = "relay-user";
        String password = "pw-" + UUID.randomUUID();
        try (AuthSmtpServerAccess server = new AuthSmtpServerAccess(user, password)) {
            rig.layout().set("delivery", "smtp").set("smtp.host", "127.0.0.1")
                    .set("smtp.port", String.valueOf(server.port())).set("smtp.tls", "none")
                    .set("smtp.user", user).set("smtp.password", password)
                    .set("smtp.auth.plaintext", "true").set("log.level", "trace");
            rig.burst("s", 5);
            rig.layout().drop("no-key.eml", ("From: nokey@sender.example\r\nTo: "
                    + ChaosRig.ANA + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));

            ChaosDaemon daemon = ChaosDaemon.once(rig.config());

            assertThat(server.logins()).contains(user + ":" + password);
            assertThat(server.receivedCount()).isEqualTo(5);
            List<String> places = new ArrayList<>();
            places.add(daemon.log());
            for (int i = 0; i < server.receivedCount(); i++) {
                places.add(new String(server.raw(i), StandardCharsets.ISO_8859_1));
            }
            for (String folder : List.of("done", "failed", "deferred")) {
                try (Stream<Path> files = Files.list(rig.spool().resolve(folder))) {
                    for (Path file : files.toList()) {
                        places.add(Files.readString(file, StandardCharsets.ISO_8859_1));
                    }
                }
            }
            List<String> secrets = secrets(rig, user, password);
            long hits = places.stream().filter(place -> secrets.stream()
                    .anyMatch(place::contains)).count();
            Figures.report("secrets", "places-searched", places.size(), "secrets",
                    secrets.size(), "log-lines", daemon.log().lines().count(), "hits", hits);
            for (String place : places) {
                for (String secret : secrets) {
                    assertThat(place).as("a secret in a log, output or reason")
                            .doesNotContain(secret);
                }
            }
        }
    }

    /** The password in clear and as AUTH carries it; the key's PEM markers and base64 lines. */
    private static List<String> secrets(ChaosRig rig, String user, String password)
            throws IOException {
        Base64.Encoder base64 = Base64.getEncoder();
        List<String> secrets = new ArrayList<>(List.of(password, "PRIVATE KEY",
                base64.encodeToString(password.getBytes(StandardCharsets.UTF_8)),
                base64.encodeToString(("\0" + user + "\0" + password)
                        .getBytes(StandardCharsets.UTF_8))));
        String key = Files.readString(rig.layout().keys().resolve(ChaosRig.SENDER + ".pem"));
        key.lines().filter(line -> !line.startsWith("-----") && line.length() >= 40)
                .forEach(secrets::add);
        return secrets;
    }
}
