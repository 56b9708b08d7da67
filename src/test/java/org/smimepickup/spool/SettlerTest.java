package org.smimepickup.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettlerTest {
    @TempDir
    Path root;

    private Spool spool;
    private Settler settler;

    @BeforeEach
    void prepareSpool() throws IOException {
        spool = new Spool(root.resolve("spool"));
        spool.prepare();
        settler = new Settler(spool);
    }

    @Test
    void failedFileGetsItsReasonBesideIt() throws IOException {
        Path work = Files.writeString(spool.work().resolve("bad.eml"), "input");

        Path target = settler.failed(work, "id1", "no key for alerts@sender.example");

        assertThat(target).isEqualTo(spool.failed().resolve("bad.eml")).hasContent("input");
        assertThat(spool.failed().resolve("bad.eml.reason")).content()
                .startsWith("no key for alerts@sender.example").contains("id1");
        assertThat(work).doesNotExist();
        assertThat(spool.tmp()).isEmptyDirectory();
    }

    @Test
    void reasonIsWrittenBeforeTheFileMoves() {
        // the move fails (the file is gone): the reason must already be in place
        Path missing = spool.work().resolve("vanished.eml");

        assertThatThrownBy(() -> settler.failed(missing, "id2", "bad input"))
                .isInstanceOf(IOException.class);

        assertThat(spool.failed().resolve("vanished.eml.reason")).content().startsWith("bad input");
    }

    @Test
    void failedNeverOverwritesAnEarlierFailedFileOrItsReason() throws IOException {
        Files.writeString(spool.failed().resolve("same.eml"), "earlier");
        Files.writeString(spool.failed().resolve("same.eml.reason"), "earlier reason");
        Path work = Files.writeString(spool.work().resolve("same.eml"), "later");

        Path target = settler.failed(work, "id3", "later reason");

        assertThat(target).isEqualTo(spool.failed().resolve("same.eml.id3")).hasContent("later");
        assertThat(spool.failed().resolve("same.eml.id3.reason")).content()
                .startsWith("later reason");
        assertThat(spool.failed().resolve("same.eml")).hasContent("earlier");
        assertThat(spool.failed().resolve("same.eml.reason")).hasContent("earlier reason");
    }

    @Test
    void requeueHintNamesTheFileAsItIsInFailedWhenItsNameWasTaken() throws IOException {
        Files.writeString(spool.failed().resolve("same.eml"), "earlier");
        Path work = Files.writeString(spool.work().resolve("same.eml"), "later");

        settler.failed(work, "id6", "later reason");

        assertThat(spool.failed().resolve("same.eml.id6.reason")).content()
                .endsWith(" requeue same.eml.id6\n");
    }

    @Test
    void requeueHintOfANameThatLooksLikeAnOptionGivesTheFullPath() throws IOException {
        Path work = Files.writeString(spool.work().resolve("--all"), "input");

        settler.failed(work, "id7", "reason");

        String hint = Files.readString(spool.failed().resolve("--all.reason"));
        assertThat(hint).endsWith(" requeue " + spool.failed().resolve("--all")
                .toAbsolutePath() + "\n");
        assertThat(new org.smimepickup.service.Requeue(spool).resolve(spool.failed()
                .resolve("--all").toAbsolutePath().toString())).isNotNull();
    }

    @Test
    void orphanReasonAloneAlsoKeepsItsName() throws IOException {
        Files.writeString(spool.failed().resolve("x.eml.reason"), "earlier reason");
        Path work = Files.writeString(spool.work().resolve("x.eml"), "input");

        Path target = settler.failed(work, "id4", "new reason");

        assertThat(target).isEqualTo(spool.failed().resolve("x.eml.id4"));
        assertThat(spool.failed().resolve("x.eml.reason")).hasContent("earlier reason");
    }

    @Test
    void doneNeverOverwritesAnEarlierDoneFile() throws IOException {
        Files.writeString(spool.done().resolve("d.eml"), "earlier");
        Path work = Files.writeString(spool.work().resolve("d.eml"), "later");

        Path target = settler.done(work, "id5");

        assertThat(target).isNotEqualTo(spool.done().resolve("d.eml")).hasContent("later");
        assertThat(spool.done().resolve("d.eml")).hasContent("earlier");
    }
}
