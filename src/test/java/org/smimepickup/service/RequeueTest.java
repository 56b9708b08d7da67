package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.spool.RetryState;
import org.smimepickup.spool.Spool;

class RequeueTest {
    @TempDir
    Path root;

    @Test
    void requeueTakesTheReasonAndRetryStateAwayBeforeTheFileCanFailAgain() throws IOException {
        Spool spool = new Spool(root.resolve("spool"));
        spool.prepare();
        Path failed = Files.writeString(spool.failed().resolve("m.eml"), "message");
        Files.writeString(spool.failed().resolve("m.eml.reason"), "old reason");
        Path deferred = Files.writeString(spool.deferred().resolve("d.eml"), "message");
        Files.writeString(RetryState.fileFor(deferred), "old state");

        Path first = new Requeue(spool).requeue(failed);
        Path second = new Requeue(spool).requeue(deferred);

        assertThat(first).isEqualTo(spool.inbox().resolve("m.eml")).hasContent("message");
        assertThat(second).isEqualTo(spool.inbox().resolve("d.eml")).hasContent("message");
        try (Stream<Path> left = Stream.concat(Files.list(spool.failed()),
                Files.list(spool.deferred()))) {
            assertThat(left).as("nothing left behind, hidden or not").isEmpty();
        }
    }
}
