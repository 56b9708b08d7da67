package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.BodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.smimepickup.failure.PermanentFailure;

class CanonicalEntityTest {
    private static final String OUTER = "From: alerts@sender.example\r\nTo: ana@rcpt.example\r\n"
            + "Subject: test\r\nMIME-Version: 1.0\r\n";

    @Test
    void lfOnlyTextBecomesCrlf() throws Exception {
        String input = "From: alerts@sender.example\nTo: ana@rcpt.example\n"
                + "Content-Type: text/plain; charset=us-ascii\n\nline one\nline two\n";

        byte[] entity = Mime.canonical(input);

        assertThat(ascii(entity)).doesNotContainPattern("(?<!\r)\n")
                .startsWith("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        assertThat(Mime.decoded(Mime.parse(entity))).isEqualTo(utf8("line one\r\nline two\r\n"));
    }

    @Test
    void bareCrInTextIsKeptAsEqualsZeroDInQuotedPrintable() throws Exception {
        String input = OUTER + "Content-Type: text/plain\r\n\r\nbefore\rafter\r\nnext\r\n";

        byte[] entity = Mime.canonical(input);
        MimeMessage parsed = Mime.parse(entity);

        assertThat(parsed.getEncoding()).isEqualTo("quoted-printable");
        assertThat(ascii(Mime.body(entity))).contains("before=0Dafter\r\n");
        assertThat(Mime.decoded(parsed)).isEqualTo(utf8("before\rafter\r\nnext\r\n"));
    }

    @Test
    void eightBitTextGoesQuotedPrintableWithLinesOf76AtMost() throws Exception {
        String text = "Grüße aus Zürich – ".repeat(20) + "\r\n\r\n日本語の行\r\nend\r\n";
        String input = OUTER + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n" + text;

        byte[] entity = Mime.canonical(input);
        MimeMessage parsed = Mime.parse(entity);

        assertThat(parsed.getEncoding()).isEqualTo("quoted-printable");
        assertThat(ascii(entity)).matches("[\\x00-\\x7F]*");
        assertThat(Mime.lines(Mime.body(entity))).allMatch(line -> line.length() <= 76);
        assertThat(Mime.decoded(parsed)).isEqualTo(utf8(text));
        assertThat(parsed.getContent()).isEqualTo(text);
    }

    @Test
    void binaryLabelled7bitGoesBase64WithIdenticalDecodedBytes() throws Exception {
        byte[] binary = new byte[4096];
        new Random(3).nextBytes(binary);
        byte[] input = concat(OUTER + "Content-Type: multipart/mixed; boundary=\"b-7bit-lie\"\r\n"
                + "\r\n--b-7bit-lie\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
                + "--b-7bit-lie\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n", binary, "\r\n--b-7bit-lie--\r\n");

        byte[] entity = Mime.canonical(input);
        MimeMultipart parts = (MimeMultipart) Mime.parse(entity).getContent();

        assertThat(ascii(entity)).matches("[\\x00-\\x7F]*");
        assertThat(parts.getCount()).isEqualTo(2);
        BodyPart attachment = parts.getBodyPart(1);
        assertThat(attachment.getHeader("Content-Transfer-Encoding")).containsExactly("base64");
        assertThat(Mime.decoded(attachment)).isEqualTo(binary);
        assertThat(Mime.decoded(parts.getBodyPart(0))).isEqualTo(utf8("see attachment"));
    }

    @Test
    void alreadyCleanBase64IsKeptByteForByte() throws Exception {
        byte[] data = new byte[3000];
        new Random(4).nextBytes(data);
        String encoded = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(data)
                + "\r\n";
        String input = OUTER + "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + encoded;

        byte[] entity = Mime.canonical(input);

        assertThat(ascii(Mime.body(entity))).isEqualTo(encoded);
        assertThat(Mime.decoded(Mime.parse(entity))).isEqualTo(data);
    }

    @Test
    void cleanBase64WithLfOrMixedLineBreaksIsKeptWithCrlfBreaks() throws Exception {
        String head = OUTER + "Content-Type: application/pdf; name=\"r.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n";
        String[][] cases = {
            {"QUFB\nQkJD\nRERE\n", "QUFB\r\nQkJD\r\nRERE\r\n"},
            {"QUFB\r\nQkJD\nRERE\r\n", "QUFB\r\nQkJD\r\nRERE\r\n"},
            {"\nQUFB\r\nQkJD", "\r\nQUFB\r\nQkJD"},
            {"QUFB\r\nQkJD", "QUFB\r\nQkJD"},
        };
        for (String[] c : cases) {
            byte[] entity = Mime.canonical(head + c[0]);

            assertThat(ascii(Mime.body(entity))).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void base64WithBareCrLineBreaksIsReencodedWithCrlf() throws Exception {
        String input = OUTER + "Content-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nQUFB\rQkJC\r";

        byte[] entity = Mime.canonical(input);

        assertThat(ascii(entity)).doesNotContainPattern("\r(?!\n)");
        assertThat(Mime.decoded(Mime.parse(entity))).isEqualTo(utf8("AAABBB"));
    }

    @Test
    void base64PiecesJoinedAfterPaddingLoseNothing() throws Exception {
        String body = "QQ==\r\nQkI= \r\nQ0NDREQ=\r\n";
        String input = OUTER + "Content-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + body;

        byte[] entity = Mime.canonical(input);

        assertThat(Mime.decoded(Mime.parse(entity))).isEqualTo(utf8("ABBCCCDD"));
    }

    @Test
    void rawUtf8FilenameBecomesAnRfc2231Parameter() throws Exception {
        String input = OUTER + "Content-Type: application/pdf\r\n"
                + "Content-Disposition: attachment; filename=\"Grüße 2026.pdf\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nQUFB\r\n";

        byte[] entity = Mime.canonical(input);

        assertThat(ascii(entity)).matches("[\\x00-\\x7F]*");
        assertThat(Mime.parse(entity).getFileName()).isEqualTo("Grüße 2026.pdf");
    }

    @Test
    void multipartWithMissingCloseDelimiterKeepsAllParts() throws Exception {
        String input = OUTER + "Content-Type: multipart/mixed; boundary=open\r\n\r\n"
                + "--open\r\nContent-Type: text/plain\r\n\r\none\r\n"
                + "--open\r\nContent-Type: text/plain\r\n\r\ntwo\r\n"
                + "--open\r\nContent-Type: text/plain\r\n\r\nthree, and the body just ends\r\n";

        byte[] entity = Mime.canonical(input);
        MimeMultipart parts = (MimeMultipart) Mime.parse(entity).getContent();

        assertThat(ascii(entity)).endsWith("\r\n--open--\r\n");
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(Mime.decoded(parts.getBodyPart(0))).isEqualTo(utf8("one"));
        assertThat(Mime.decoded(parts.getBodyPart(1))).isEqualTo(utf8("two"));
        assertThat(Mime.decoded(parts.getBodyPart(2)))
                .isEqualTo(utf8("three, and the body just ends\r\n"));
    }

    @Test
    void nestedMultipartsKeepTheirPreamblesAndStructureByteForByte() throws Exception {
        String body = "This is a multi-part message in MIME format.\r\n"
                + "--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
                + "inner preamble\r\n"
                + "--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain\r\n"
                + "--inner\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<p>html</p>\r\n"
                + "--inner--\r\n\r\n"
                + "--outer\r\nContent-Type: text/csv; name=\"a.csv\"\r\n"
                + "Content-Disposition: attachment; filename=\"a.csv\"\r\n\r\na;b\r\n1;2\r\n"
                + "--outer--\r\nepilogue\r\n";
        String input = OUTER + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" + body;

        byte[] entity = Mime.canonical(input);
        MimeMessage parsed = Mime.parse(entity);

        assertThat(ascii(Mime.body(entity))).isEqualTo(body);
        assertThat(Mime.tree(parsed)).containsExactly("multipart/mixed",
                "  multipart/alternative", "    text/plain", "    text/html", "  text/csv");
        MimeMultipart outer = (MimeMultipart) parsed.getContent();
        assertThat(outer.getPreamble()).contains("This is a multi-part message in MIME format.");
        MimeMultipart inner = (MimeMultipart) outer.getBodyPart(0).getContent();
        assertThat(inner.getPreamble()).contains("inner preamble");
        assertThat(Mime.decoded(outer.getBodyPart(1))).isEqualTo(utf8("a;b\r\n1;2"));
    }

    @Test
    void hundredDeepNestingIsRefusedWithAReason() {
        String input = OUTER + nested(100);

        assertThatThrownBy(() -> Mime.canonical(input)).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("nesting");
    }

    @Test
    void thirtyDeepNestingStillGoesThrough() throws Exception {
        byte[] entity = Mime.canonical(OUTER + nested(30));

        assertThat(Mime.tree(Mime.parse(entity))).hasSize(31).last().asString()
                .endsWith("text/plain");
    }

    /** {@code depth} multiparts, each holding the next, around one text part. */
    private static String nested(int depth) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            open.append("Content-Type: multipart/mixed; boundary=\"level").append(level)
                    .append("\"\r\n\r\n--level").append(level).append("\r\n");
            close.insert(0, "\r\n--level" + level + "--\r\n");
        }
        return open + "Content-Type: text/plain\r\n\r\ndeep" + close;
    }

    private static String ascii(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + middle.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(middle, 0, all, h.length, middle.length);
        System.arraycopy(t, 0, all, h.length + middle.length, t.length);
        return all;
    }
}
