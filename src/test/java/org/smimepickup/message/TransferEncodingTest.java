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
