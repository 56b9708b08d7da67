package org.smimepickup.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.message.Body;

class MimeBoundaryTest {
    private static final byte[] NEEDLE =
            "----=_smime_Q1w2E3r4T5y6U7i8O9p0AsDf".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aBoundaryInTheBodyIsFoundWhereverItSitsAndHoweverTheBodyIsCut() throws Exception {
        Random random = new Random(23);
        byte[] filler = new byte[20000];
        for (int i = 0; i < filler.length; i++) {
            // base64-like text with the boundary's own prefix bytes mixed in
            filler[i] = (byte) "AsDf0p9O=_smime-\r\n".charAt(random.nextInt(18));
        }
        assertThat(Mime.contains(Body.of(filler), NEEDLE)).isFalse();
        for (int round = 0; round < 300; round++) {
            byte[] body = filler.clone();
            int at = round < 40 ? round * (filler.length - NEEDLE.length) / 39
                    : random.nextInt(filler.length - NEEDLE.length + 1);
            boolean planted = round % 4 != 3;
            byte[] piece = planted ? NEEDLE : nearMiss(random);
            System.arraycopy(piece, 0, body, at, piece.length);

            assertThat(Mime.contains(Body.of(body), NEEDLE)).as("round %d", round)
                    .isEqualTo(planted);
            assertThat(Mime.contains(cut(body, random), NEEDLE)).as("round %d, cut", round)
                    .isEqualTo(planted);
        }
    }

    @Test
    void aFileBodyIsSearchedAcrossItsReadChunks() throws Exception {
        byte[] body = new byte[3 * 8192 + 100];
        java.util.Arrays.fill(body, (byte) 'A');
        for (int at : new int[] {8192 - 1, 8192 - 18, 8192 - 35, 16384, body.length - 36}) {
            byte[] copy = body.clone();
            System.arraycopy(NEEDLE, 0, copy, at, NEEDLE.length);
            Path file = Files.write(dir.resolve("entity-" + at), copy);

            assertThat(Mime.contains(Body.of(file), NEEDLE)).as("at %d", at).isTrue();
        }
        Path clean = Files.write(dir.resolve("clean"), body);
        assertThat(Mime.contains(Body.of(clean), NEEDLE)).isFalse();
    }

    @Test
    void aChosenBoundaryNeverOccursInTheContent() throws Exception {
        byte[] content = "--x\r\n----=_smime_\r\n".repeat(50).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 50; i++) {
            String boundary = Mime.boundary(Body.of(content));

            assertThat(boundary).matches("----=_smime_[A-Za-z0-9]{24}");
            assertThat(new String(content, StandardCharsets.US_ASCII)).doesNotContain(boundary);
        }
    }

    /** The boundary with one byte changed. */
    private static byte[] nearMiss(Random random) {
        byte[] miss = NEEDLE.clone();
        int at = random.nextInt(miss.length);
        miss[at] = (byte) (miss[at] == 'Z' ? 'Y' : 'Z');
        return miss;
    }

    /** The same bytes as a chain of pieces of random sizes, from 1 byte up. */
    private static Body cut(byte[] data, Random random) {
        List<Body> pieces = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            int len = Math.min(data.length - pos, 1 + random.nextInt(random.nextBoolean()
                    ? 40 : 5000));
            pieces.add(Body.of(java.util.Arrays.copyOfRange(data, pos, pos + len)));
            pos += len;
        }
        return Body.concat(pieces.toArray(new Body[0]));
    }
}
