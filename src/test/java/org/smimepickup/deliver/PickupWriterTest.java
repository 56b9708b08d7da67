package org.smimepickup.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.message.Body;
import org.smimepickup.message.Envelope;

class PickupWriterTest {
    @TempDir
    Path dir;

    @Test
    void everyFileGetsTheConfiguredModeEvenWhereTheUmaskWouldTakeBitsOff() throws Exception {
        Path pickup = Files.createDirectories(dir.resolve("pickup"));
        // group- and world-writable: a usual umask (022) takes those bits off at creation
        PickupWriter writer = new PickupWriter(pickup, dir.resolve(".pickup.staging"),
                PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(writer.check()).isNull();
        Envelope envelope = new Envelope("a@sender.example", List.of("b@rcpt.example"),
                List.of());

        for (int i = 0; i < 3; i++) {
            Path written = writer.write(envelope, "Subject: t\r\n".getBytes(
                    StandardCharsets.US_ASCII), Body.of("\r\nbody\r\n".getBytes(
                    StandardCharsets.US_ASCII)), "id-" + i);

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                    .isEqualTo("rw-rw-rw-");
            assertThat(Files.readString(written, StandardCharsets.US_ASCII)).isEqualTo(
                    "x-sender: a@sender.example\r\nx-receiver: b@rcpt.example\r\n"
                    + "Subject: t\r\n\r\nbody\r\n");
        }
    }
}
