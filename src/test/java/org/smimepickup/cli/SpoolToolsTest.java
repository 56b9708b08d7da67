package org.smimepickup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.config.Config;
import org.smimepickup.service.Daemon;
import org.smimepickup.service.ServiceFixture;

/** {@code status} and {@code requeue} on a spool with files in every state. */
class SpoolToolsTest {
    @TempDir
    Path dir;

    private ServiceFixture fixture;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void spoolWithAFileInEveryState() throws Exception {
        fixture = ServiceFixture.create(dir.resolve("svc"));
        Path spool = fixture.spool;
        for (String folder : List.of("work", "done", "failed", "deferred", "tmp")) {
            Files.createDirectories(spool.resolve(folder));
        }
        Path waiting = fixture.drop("waiting.eml");
        Files.setLastModifiedTime(waiting, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.writeString(spool.resolve("done/sent.eml"), "x");
        failed("no-cert.eml", "no certificate for bob@rcpt.example: looked for bob.crt");
        failed("bad \"quote\".eml", "not a message");
        Files.writeString(spool.resolve("deferred/later.eml"), "x");
        Files.writeString(spool.resolve("deferred/.later.eml.retry"),
                "first=1\nattempts=2\nnext=0\nreason=pickup folder full\n");
    }

    @Test
    void statusCountsEveryFolderWithoutReasonAndRetryFiles() {
        assertThat(run("status")).as(errors()).isZero();

        assertThat(output()).contains("inbox     1").contains("work      0")
                .contains("deferred  1").contains("failed    2").contains("done      1")
                .contains("oldest in inbox:    60 min")
                .contains("no-cert.eml: no certificate for bob@rcpt.example")
                .contains("later.eml: pickup folder full")
                .contains(ServiceFixture.SENDER + ".crt");
    }

    @Test
    void statusAsJsonEscapesNamesAndReasons() {
        assertThat(run("status", "--json")).as(errors()).isZero();

        assertThat(output()).startsWith("{\"folders\":{\"inbox\":1,\"work\":0,\"deferred\":1,"
                + "\"failed\":2,\"done\":1}")
                .contains("\"file\":\"bad \\\"quote\\\".eml\",")
                .contains("\"reason\":\"not a message\"")
                .contains("\"file\":\"later.eml\",\"failing_since\":")
                .containsPattern("\"oldest_inbox_seconds\":36\\d\\d,")
                .contains("\"not_after\":");
    }

    @Test
    void requeueAllMovesFailedAndDeferredBackWithoutTheirReasons() {
        assertThat(run("requeue", "--all")).as(errors()).isZero();

        assertThat(names("")).containsExactlyInAnyOrder("waiting.eml", "no-cert.eml",
                "bad \"quote\".eml", "later.eml");
        assertThat(names("failed")).isEmpty();
        assertThat(names("deferred")).isEmpty();
        assertThat(fixture.spool.resolve("deferred/.later.eml.retry")).doesNotExist();
    }

    @Test
    void requeueByReasonTakesOnlyTheMatchingFiles() {
        assertThat(run("requeue", "--reason", "FOLDER FULL")).as(errors()).isZero();

        assertThat(names("")).containsExactlyInAnyOrder("waiting.eml", "later.eml");
        assertThat(names("failed")).hasSize(4);
    }

    @Test
    void requeueByNameFindsTheFileInFailed() {
        assertThat(run("requeue", "no-cert.eml")).as(errors()).isZero();

        assertThat(output().strip()).isEqualTo(fixture.spool.resolve("no-cert.eml").toString());
        assertThat(names("failed")).containsExactlyInAnyOrder("bad \"quote\".eml",
                "bad \"quote\".eml.reason");
    }

    @Test
    void requeueRefusesAFileOutsideFailedAndDeferred() throws IOException {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.eml"), "x");

        assertThat(run("requeue", elsewhere.toString())).isEqualTo(Main.SOME_FAILED);
        assertThat(errors()).contains("not a file in failed/ or deferred/");
        assertThat(elsewhere).exists();
    }

    @Test
    void requeueWantsExactlyOneWayToChoose() {
        assertThat(run("requeue")).isEqualTo(Main.USAGE);
        assertThat(run("requeue", "--all", "no-cert.eml")).isEqualTo(Main.USAGE);
        assertThat(names("failed")).hasSize(4);
    }

    @Test
    void theRequeueHintOfAFailedMessageWorksWhenPastedIntoAShell() throws Exception {
        String name = "no cert for 'nobody'.eml";
        Files.writeString(fixture.spool.resolve(name), "From: " + ServiceFixture.SENDER
                + "\r\nTo: nobody@rcpt.example\r\nSubject: x\r\n\r\nbody\r\n");
        new Daemon(Config.load(fixture.config)).once();
        String reason = Files.readString(fixture.spool.resolve("failed/" + name + ".reason"));
        String hint = reason.substring(reason.lastIndexOf("with: ") + "with: ".length()).strip();

        List<String> words = shellWords(hint);

        assertThat(words.subList(0, 2)).containsExactly("smime-pickup", "requeue");
        assertThat(runExactly(words.subList(1, words.size()))).as(errors()).isZero();
        assertThat(names("")).contains(name);
    }

    /** The words a POSIX shell makes of {@code commandLine}, as an operator would paste it. */
    private static List<String> shellWords(String commandLine) throws Exception {
        Process shell = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + commandLine)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String words = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(shell.waitFor()).as(commandLine).isZero();
        return List.of(words.split("\0"));
    }

    private void failed(String name, String reason) throws IOException {
        Files.writeString(fixture.spool.resolve("failed/" + name), "x");
        Files.writeString(fixture.spool.resolve("failed/" + name + ".reason"), reason
                + "\n\nspool id x; after fixing the cause, requeue it.\n");
    }

    private List<String> names(String folder) {
        List<String> names = new ArrayList<>();
        for (Path file : fixture.files(folder)) {
            names.add(file.getFileName().toString());
        }
        return names;
    }

    private int run(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(List.of("--config", fixture.config.toString()));
        return runExactly(line);
    }

    /** Runs {@code line} as it is, without adding the fixture's {@code --config}. */
    private int runExactly(List<String> line) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return Main.run(line.toArray(String[]::new), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
