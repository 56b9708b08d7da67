package org.smimepickup.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.smimepickup.failure.PermanentFailure;

class HeaderBlockTest {
    @Test
    void twoThousandFieldsAreAcceptedAndTwoThousandAndOneRefused() throws PermanentFailure {
        byte[] enough = fields(2000);
        byte[] tooMany = fields(2001);

        assertThat(HeaderBlock.parse(enough, 0, enough.length, true).fields()).hasSize(2000);
        assertThatThrownBy(() -> HeaderBlock.parse(tooMany, 0, tooMany.length, true))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("more than 2000 header fields");
    }

    @Test
    void foldedFieldKeepsItsFoldingInRawAndUnfoldsInValue() throws PermanentFailure {
        byte[] data = bytes("Subject: one\n two\n\tthree\nTo: a@b.example\n\nbody\n");

        HeaderBlock header = HeaderBlock.parse(data, 0, data.length, true);

        HeaderField subject = header.first("subject");
        assertThat(new String(subject.raw(), StandardCharsets.ISO_8859_1))
                .isEqualTo("Subject: one\r\n two\r\n\tthree");
        assertThat(subject.value()).isEqualTo("one two\tthree");
        assertThat(header.value("TO")).isEqualTo("a@b.example");
        assertThat(new String(data, header.bodyStart(), 5, StandardCharsets.ISO_8859_1))
                .isEqualTo("body\n");
    }

    @Test
    void lineThatIsNotAFieldEndsTheHeaderLikeClientsRead() throws PermanentFailure {
        byte[] data = bytes("To: a@b.example\r\nthis is body text\r\nX-Not: a field\r\n");

        HeaderBlock header = HeaderBlock.parse(data, 0, data.length, true);

        assertThat(header.fields()).hasSize(1);
        assertThat(header.bodyStart()).isEqualTo("To: a@b.example\r\n".length());
    }

    @Test
    void messageWithoutAnyFieldIsRefused() {
        byte[] data = bytes("just some text\r\n\r\n");

        assertThatThrownBy(() -> HeaderBlock.parse(data, 0, data.length, true))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("not a mail message");
    }

    private static byte[] fields(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
        }
        return bytes(text + "\r\nbody\r\n");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
