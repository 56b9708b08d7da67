package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The split jumps between boundary occurrences; it must find what reading each line finds. */
class MultipartSplitTest {
    private static final String[] PIECES = {"--b", "--b--", "--bb", "--b ", "--b\t", "-- b",
        "\r\n", "\n", "\r", "\r\n", "\n", "x", "-", "--", "b", " ", "=?"};

    @Test
    void findsTheSamePartsAsReadingEveryLine() {
        Random random = new Random(17);
        int multiPart = 0;
        for (int round = 0; round < 40000; round++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(30);
            for (int i = 0; i < pieces; i++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            byte[] data = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            int from = random.nextInt(Math.min(3, data.length) + 1);
            int to = data.length - random.nextInt(Math.min(3, data.length - from) + 1);
            String boundary = round % 5 == 0 ? "b--" : "b";

            CanonicalEntity.MultipartBody fast =
                    CanonicalEntity.MultipartBody.split(data, from, to, boundary);
            int[][] expected = lineByLine(data, from, to, boundary);
            multiPart += expected.length > 2 ? 1 : 0;

            assertThat(flatten(fast)).as("round %d: %s", round, text).isEqualTo(expected);
        }
        assertThat(multiPart).isGreaterThan(5000);
    }

    @Test
    void aDelimiterAtTheVeryStartOrEndOfTheRangeCounts() {
        byte[] data = "x\r\n--b\r\none\r\n--b--".getBytes(StandardCharsets.ISO_8859_1);
        for (int from = 0; from <= 4; from++) {
            assertThat(flatten(CanonicalEntity.MultipartBody.split(data, from, data.length, "b")))
                    .as("from %d", from).isEqualTo(lineByLine(data, from, data.length, "b"));
        }
    }

    /** {preamble from, to}, each part {from, to}, {epilogue from, to}. */
    private static int[][] flatten(CanonicalEntity.MultipartBody body) {
        List<int[]> rows = new ArrayList<>();
        rows.add(new int[] {body.preambleFrom(), body.preambleTo()});
        rows.addAll(body.parts());
        rows.add(new int[] {body.epilogueFrom(), body.epilogueTo()});
        return rows.toArray(new int[0][]);
    }

    /** The split as first written: every line read and compared with the delimiter. */
    private static int[][] lineByLine(byte[] data, int from, int to, String boundary) {
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> parts = new ArrayList<>();
        int preambleTo = -1;
        int partStart = -1;
        int epilogueFrom = to;
        int pos = from;
        while (pos < to) {
            int end = Lines.endOfLine(data, pos, to);
            int next = Lines.nextLine(data, end, to);
            int kind = kind(data, pos, end, dash);
            if (kind != 0) {
                int contentEnd = pos - Lines.breakBefore(data, pos, from);
                if (partStart < 0) {
                    preambleTo = Math.max(from, contentEnd);
                } else {
                    parts.add(new int[] {partStart, Math.max(partStart, contentEnd)});
                }
                partStart = next;
                if (kind == 2) {
                    epilogueFrom = next;
                    partStart = -2;
                    break;
                }
            }
            pos = next;
        }
        if (partStart >= 0) {
            parts.add(new int[] {partStart, to});
        }
        List<int[]> rows = new ArrayList<>();
        rows.add(new int[] {from, preambleTo < 0 ? from : preambleTo});
        rows.addAll(parts);
        rows.add(new int[] {Math.min(epilogueFrom, to), to});
        return rows.toArray(new int[0][]);
    }

    private static int kind(byte[] data, int pos, int end, byte[] dash) {
        if (end - pos < dash.length) {
            return 0;
        }
        for (int i = 0; i < dash.length; i++) {
            if (data[pos + i] != dash[i]) {
                return 0;
            }
        }
        int i = pos + dash.length;
        int kind = 1;
        if (i + 2 <= end && data[i] == '-' && data[i + 1] == '-') {
            kind = 2;
            i += 2;
        }
        while (i < end && (data[i] == ' ' || data[i] == '\t')) {
            i++;
        }
        return i == end ? kind : 0;
    }
}
