package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSearchTest {
    /** The first occurrence the plain way: every start position, every byte compared. */
    private static int naiveIndexOf(byte[] data, int from, int to, byte[] needle) {
        for (int start = from; start + needle.length <= to; start++) {
            int k = 0;
            while (k < needle.length && data[start + k] == needle[k]) {
                k++;
            }
            if (k == needle.length) {
                return start;
            }
        }
        return -1;
    }

    /** Small alphabets, so that partial matches and overlapping occurrences are frequent. */
    private static byte[] random(Random random, int length, String alphabet) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return out;
    }

    @Test
    void findsTheSameFirstOccurrenceAsTheNaiveSearch() {
        Random random = new Random(3);
        int hits = 0;
        for (int round = 0; round < 30000; round++) {
            String alphabet = round % 2 == 0 ? "ab" : "ab-\n\u00ff";
            byte[] needle = random(random, 1 + random.nextInt(6), alphabet);
            byte[] data = random(random, random.nextInt(60), alphabet);
            int from = random.nextInt(data.length + 1);
            int to = from + random.nextInt(data.length - from + 1);
            int expected = naiveIndexOf(data, from, to, needle);
            hits += expected >= 0 ? 1 : 0;

            assertThat(new ByteSearch(needle).indexOf(data, from, to))
                    .as("round %d", round).isEqualTo(expected);
        }
        assertThat(hits).isBetween(3000, 27000);
    }

    @Test
    void everyByteValueIsFoundOrSkippedCorrectly() {
        for (int value = 0; value < 256; value++) {
            byte[] needle = {'-', '-', (byte) value};
            byte[] data = {'x', '-', '-', '-', (byte) value, '-', (byte) (value ^ 1)};

            // with '-' as the last byte the needle "---" also starts one earlier, and later
            boolean dash = value == '-';

            assertThat(new ByteSearch(needle).indexOf(data, 0, data.length)).as("byte %d", value)
                    .isEqualTo(dash ? 1 : 2);
            assertThat(new ByteSearch(needle).indexOf(data, 3, data.length)).as("byte %d", value)
                    .isEqualTo(dash ? 3 : -1);
        }
    }

    @Test
    void theStreamFindsOccurrencesSplitAcrossWritesOfEverySize() {
        Random random = new Random(5);
        for (int round = 0; round < 20000; round++) {
            String alphabet = round % 3 == 0 ? "ab" : "abc";
            byte[] needle = random(random, 1 + random.nextInt(8), alphabet);
            byte[] data = random(random, random.nextInt(80), alphabet);
            boolean expected = naiveIndexOf(data, 0, data.length, needle) >= 0;
            ByteSearch.Finder finder = new ByteSearch(needle).finder();
            int pos = 0;
            while (pos < data.length) {
                // writes from single bytes to longer than the needle, empty ones too
                int len = Math.min(data.length - pos, random.nextInt(needle.length + 3));
                if (len == 1 && random.nextBoolean()) {
                    finder.write(data[pos]);
                } else {
                    byte[] chunk = new byte[len + 4];
                    System.arraycopy(data, pos, chunk, 2, len);
                    finder.write(chunk, 2, len);
                }
                pos += len;
            }

            assertThat(finder.found()).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void aLongBoundaryIsFoundAtEachPlaceInALargeBody() {
        byte[] needle = "----=_smime_AbCdEfGhIjKlMnOpQrStUvWx".getBytes(StandardCharsets.US_ASCII);
        byte[] body = random(new Random(9), 70000, "ABCabc012+/=\r\n-_smime");
        assertThat(naiveIndexOf(body, 0, body.length, needle)).isEqualTo(-1);
        for (int at : new int[] {0, 1, 8191, 8192 - 35, 8192 - 17, 8192, 40000, 70000 - 36}) {
            byte[] copy = body.clone();
            System.arraycopy(needle, 0, copy, at, needle.length);
            ByteSearch.Finder finder = new ByteSearch(needle).finder();
            for (int pos = 0; pos < copy.length; pos += 8192) {
                finder.write(copy, pos, Math.min(8192, copy.length - pos));
            }

            assertThat(new ByteSearch(needle).indexOf(copy, 0, copy.length)).isEqualTo(at);
            assertThat(finder.found()).as("at %d", at).isTrue();
        }
    }
}
