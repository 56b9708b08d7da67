package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransferEncodingTest {
    @Test
    void lfOnlyLineBreaksBecomeCrlfAndBareCrStays() {
        byte[] text = bytes("a\nb\r\nc\rd\n\n");

        assertThat(string(TransferEncoding.crlf(text, 0, text.length)))
                .isEqualTo("a\r\nb\r\nc\rd\r\n\r\n");
    }

    @Test
    void bareCrIsEncodedAsEqualsZeroD() throws Exception {
        byte[] text = bytes("before\rafter\r\n");

        byte[] qp = TransferEncoding.quotedPrintable(text);

        assertThat(string(qp)).isEqualTo("before=0Dafter\r\n");
        assertThat(Mime.decode(qp, "quoted-printable")).isEqualTo(text);
    }

    @Test
    void quotedPrintableProtectsTrailingSpaceFromLinesAndDotLines() {
        byte[] text = bytes("trailing \r\nFrom here\r\n.dot\r\n");

        assertThat(string(TransferEncoding.quotedPrintable(text)))
                .isEqualTo("trailing=20\r\n=46rom here\r\n=2Edot\r\n");
    }

    @Test
    void softLineBreakNeverLeavesFromOrADotAtTheStartOfALine() throws Exception {
        for (String tail : new String[] {"From x\r\n", ".x\r\n", "From  \r\n"}) {
            for (int lead = 70; lead <= 76; lead++) {
                byte[] text = bytes("a".repeat(lead) + tail);

                byte[] qp = TransferEncoding.quotedPrintable(text);

                assertThat(Mime.lines(qp)).as("%d + %s", lead, tail)
                        .allMatch(line -> line.length() <= 76)
                        .noneMatch(line -> line.startsWith("From ") || line.startsWith("."));
                assertThat(Mime.decode(qp, "quoted-printable")).isEqualTo(text);
            }
        }
    }

    @Test
    void base64PiecesJoinedAfterTheirPaddingDecodeWhole() throws Exception {
        byte[] joined = bytes("QQ==\r\nQkI= *\r\nQ0ND\r\n");

        assertThat(string(TransferEncoding.decodeBase64(joined, 0, joined.length)))
                .isEqualTo("ABBCCC")
                .isEqualTo(string(Mime.decode(bytes("QQ==QkI=Q0ND"), "base64")));
    }

    @Test
    void base64BrokenByBareCrIsNotClean() {
        byte[] oldMac = bytes("QUFB\rQkJC\r");

        assertThat(TransferEncoding.isCleanBase64(oldMac, 0, oldMac.length)).isFalse();
    }

    @Test
    void quotedPrintableOfAnyBytesDecodesBackWithLinesOf76AtMost() throws Exception {
        Random random = new Random(76);
        for (int round = 0; round < 300; round++) {
            byte[] text = randomText(random, random.nextInt(600));

            byte[] qp = TransferEncoding.quotedPrintable(text);

            assertThat(Mime.lines(qp)).allMatch(line -> line.length() <= 76)
                    .noneMatch(line -> line.startsWith("From ") || line.startsWith("."));
            assertThat(string(qp)).matches("[\\x21-\\x7E \\t\\r\\n]*");
            assertThat(Mime.decode(qp, "quoted-printable")).as("round %d", round)
                    .isEqualTo(text);
        }
    }

    @Test
    void base64IsWrappedAt76AndDecodesToTheSameBytes() throws Exception {
        byte[] data = new byte[1000];
        new Random(64).nextBytes(data);

        byte[] encoded = TransferEncoding.base64(data, 0, data.length);

        assertThat(string(encoded)).endsWith("\r\n");
        assertThat(Mime.lines(encoded)).allMatch(line -> line.length() <= 76);
        assertThat(Mime.decode(encoded, "base64")).isEqualTo(data);
        assertThat(TransferEncoding.isCleanBase64(encoded, 0, encoded.length)).isTrue();
    }

    @Test
    void base64WithLongLinesOrStrayCharactersIsNotClean() {
        byte[] longLine = bytes("QUFB".repeat(20) + "\r\n");
        byte[] stray = bytes("QUFB*QUFB\r\n");

        assertThat(TransferEncoding.isCleanBase64(longLine, 0, longLine.length)).isFalse();
        assertThat(TransferEncoding.isCleanBase64(stray, 0, stray.length)).isFalse();
    }

    @Test
    void lenientBase64DecodingSkipsCharactersOutsideTheAlphabet() throws Exception {
        byte[] sloppy = bytes("SGVs bG8s\r\nIHdv*cmxk\r\n");

        assertThat(string(TransferEncoding.decodeBase64(sloppy, 0, sloppy.length)))
                .isEqualTo("Hello, world");
    }

    @Test
    void safeTextIsShortCrlfLinesOfPrintableAscii() {
        assertThat(TransferEncoding.isSafeText(bytes("ok\r\nfine\r\n"))).isTrue();
        assertThat(TransferEncoding.isSafeText(bytes("x".repeat(79)))).isFalse();
        assertThat(TransferEncoding.isSafeText(bytes("bare\rcr"))).isFalse();
        assertThat(TransferEncoding.isSafeText(bytes("bare\nlf"))).isFalse();
        assertThat(TransferEncoding.isSafeText(bytes("trailing \r\n"))).isFalse();
        assertThat(TransferEncoding.isSafeText(bytes("From me\r\n"))).isFalse();
        assertThat(TransferEncoding.isSafeText("Grüße".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }

    @Test
    void everyByteValueIsClassedAsTheCharacterClassesDefineIt() {
        for (int value = 0; value < 256; value++) {
            byte b = (byte) value;
            boolean alphabet = (value >= 'A' && value <= 'Z') || (value >= 'a' && value <= 'z')
                    || (value >= '0' && value <= '9') || value == '+' || value == '/'
                    || value == '=';
            boolean text = value >= 1 && value <= 127 && value != '\r' && value != '\n';
            byte[] inside = {'Q', 'U', b, 'J', 'D'};
            byte[] alone = {b};
            String what = "byte " + value;

            assertThat(TransferEncoding.isCleanBase64(inside, 0, inside.length)).as(what)
                    .isEqualTo(alphabet || value == '\n');
            assertThat(TransferEncoding.isCleanBase64(alone, 0, 1)).as(what)
                    .isEqualTo(alphabet || value == '\n');
            assertThat(TransferEncoding.isCleanAscii(inside, 0, inside.length, 998, false))
                    .as(what).isEqualTo(text || value == '\n');
            assertThat(TransferEncoding.isCleanAscii(inside, 0, inside.length, 998, true))
                    .as(what).isEqualTo(text);
            for (byte[] input : new byte[][] {inside, alone}) {
                assertThat(TransferEncoding.isCleanBase64(input, 0, input.length)).as(what)
                        .isEqualTo(simpleIsCleanBase64(input, 0, input.length));
                for (boolean needCrlf : new boolean[] {false, true}) {
                    assertThat(TransferEncoding.isCleanAscii(input, 0, input.length, 3, needCrlf))
                            .as(what).isEqualTo(simpleIsCleanAscii(input, 0, input.length, 3,
                                    needCrlf));
                }
            }
        }
    }

    @Test
    void cleanChecksAgreeWithTheirSimpleDefinitionsOnTrickyInput() {
        Random random = new Random(20260311);
        byte[] pool = bytes("QUJDZGVm+/=09\r\n\r\n\n \u0000\u00ff-*");
        int[] outcomes = new int[4];
        for (int round = 0; round < 20000; round++) {
            // lines near the limits (76, 78) with breaks, bare CR, stray and 8-bit bytes mixed in
            int length = random.nextInt(round % 3 == 0 ? 400 : 90);
            byte[] data = new byte[length];
            int lineLength = 70 + random.nextInt(12);
            for (int i = 0, column = 0; i < length; i++, column++) {
                boolean lineEnd = column == lineLength && random.nextInt(8) != 0;
                if (lineEnd) {
                    data[i] = random.nextInt(5) == 0 ? (byte) '\n' : (byte) '\r';
                    if (data[i] == '\r' && i + 1 < length) {
                        data[++i] = '\n';
                    }
                    column = -1;
                } else {
                    int pick = random.nextInt(200);
                    data[i] = pick < 2 ? (byte) random.nextInt(256)
                            : pick < 10 ? pool[random.nextInt(pool.length)]
                            : pool[random.nextInt(11)];
                }
            }
            int from = length == 0 ? 0 : random.nextInt(Math.min(length, 5) + 1);
            int to = length - random.nextInt(Math.min(length - from, 5) + 1);
            String what = "round " + round;

            boolean base64 = simpleIsCleanBase64(data, from, to);
            boolean ascii = simpleIsCleanAscii(data, from, to, 76, true);
            outcomes[(base64 ? 2 : 0) + (ascii ? 1 : 0)]++;
            assertThat(TransferEncoding.isCleanBase64(data, from, to)).as(what)
                    .isEqualTo(base64);
            int bareLfs = TransferEncoding.cleanBase64BareLfs(data, from, to);
            if (base64) {
                // none counted exactly when the CRLF pass leaves the bytes as they are
                byte[] range = java.util.Arrays.copyOfRange(data, from, to);
                assertThat(bareLfs == 0).as(what)
                        .isEqualTo(java.util.Arrays.equals(range,
                                TransferEncoding.crlf(range, 0, range.length)));
                assertThat(bareLfs).as(what).isEqualTo(countBareLfs(data, from, to));
            } else {
                assertThat(bareLfs).as(what).isEqualTo(-1);
            }
            for (int maxLine : new int[] {76, 78, 998}) {
                for (boolean needCrlf : new boolean[] {false, true}) {
                    assertThat(TransferEncoding.isCleanAscii(data, from, to, maxLine, needCrlf))
                            .as(what).isEqualTo(simpleIsCleanAscii(data, from, to, maxLine,
                                    needCrlf));
                }
            }
        }
        // the input must reach both answers of both checks often, or it tests little
        assertThat(outcomes[0] + outcomes[1]).isGreaterThan(2000);
        assertThat(outcomes[2] + outcomes[3]).isGreaterThan(2000);
        assertThat(outcomes[0] + outcomes[2]).isGreaterThan(2000);
        assertThat(outcomes[1] + outcomes[3]).isGreaterThan(2000);
    }

    @Test
    void crlfIntoASinkAppendsWhatTheArrayFormReturns() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] text = randomText(random, random.nextInt(300));
            byte[] raw = bytes("x\ny\r\n\n\rz" + new String(text, StandardCharsets.ISO_8859_1));
            int from = random.nextInt(raw.length + 1);
            int to = from + random.nextInt(raw.length - from + 1);
            ByteSink sink = new ByteSink(0);
            sink.ascii("head");

            TransferEncoding.crlf(raw, from, to, sink);

            assertThat(sink.toByteArray()).isEqualTo(concat(bytes("head"),
                    TransferEncoding.crlf(raw, from, to)));
        }
    }

    private static int countBareLfs(byte[] data, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            count += data[i] == '\n' && (i == from || data[i - 1] != '\r') ? 1 : 0;
        }
        return count;
    }

    /** isCleanBase64 as first written, one comparison chain per byte. */
    private static boolean simpleIsCleanBase64(byte[] data, int from, int to) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b == '\r' && (i + 1 >= to || data[i + 1] != '\n')) {
                return false;
            }
            if (b == '\r' || b == '\n') {
                if (i - lineStart > 76) {
                    return false;
                }
                lineStart = i + 1;
            } else if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')
                    || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=')) {
                return false;
            }
        }
        return to - lineStart <= 76;
    }

    /** isCleanAscii as first written. */
    private static boolean simpleIsCleanAscii(byte[] data, int from, int to, int maxLine,
            boolean needCrlf) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            byte b = data[i];
            if (b < 0 || b == 0) {
                return false;
            }
            if (b == '\r' || b == '\n') {
                boolean pair = b == '\r' && i + 1 < to && data[i + 1] == '\n';
                if (!pair && (needCrlf || b == '\r')) {
                    return false;
                }
                if (i - lineStart > maxLine) {
                    return false;
                }
                i += pair ? 1 : 0;
                lineStart = i + 1;
            }
        }
        return to - lineStart <= maxLine;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Mostly text, with CRLF, bare CR and LF, 8-bit bytes, spaces and tabs mixed in. */
    private static byte[] randomText(Random random, int length) {
        byte[] pool = bytes("abc =.F\t\r\n\r\n From x");
        byte[] text = new byte[length];
        for (int i = 0; i < length; i++) {
            text[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                    : pool[random.nextInt(pool.length)];
        }
        return TransferEncoding.crlf(text, 0, text.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String string(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }
}
