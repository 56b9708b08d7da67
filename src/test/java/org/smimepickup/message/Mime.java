package org.smimepickup.message;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.smimepickup.failure.PermanentFailure;

/**
 * Reads our output with Jakarta Mail, a parser that shares no code with ours, so that decoded
 * content is checked independently of the code under test.
 */
final class Mime {
    private static final Session SESSION = Session.getInstance(new Properties());

    private Mime() {
    }

    /** The canonical entity of a message given as text (UTF-8 bytes, line endings as written). */
    static byte[] canonical(String message) throws PermanentFailure {
        return canonical(message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] canonical(byte[] message) throws PermanentFailure {
        return CanonicalEntity.of(InputMessage.parse(message));
    }

    static MimeMessage parse(byte[] entity) throws MessagingException {
        return new MimeMessage(SESSION, new ByteArrayInputStream(entity));
    }

    /** A part's content with its transfer encoding undone. */
    static byte[] decoded(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    static byte[] decode(byte[] encoded, String transferEncoding)
            throws MessagingException, IOException {
        try (InputStream in = MimeUtility.decode(new ByteArrayInputStream(encoded),
                transferEncoding)) {
            return in.readAllBytes();
        }
    }

    /** Content types of the tree, depth first, each indented by its depth. */
    static List<String> tree(Part part) throws MessagingException, IOException {
        List<String> out = new ArrayList<>();
        walk(part, 0, out);
        return out;
    }

    private static void walk(Part part, int depth, List<String> out)
            throws MessagingException, IOException {
        String type = part.getContentType().split(";")[0].trim().toLowerCase();
        out.add("  ".repeat(depth) + type);
        if (part.isMimeType("multipart/*")) {
            MimeMultipart multipart = (MimeMultipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i), depth + 1, out);
            }
        }
    }

    /** The lines of a byte array split at CRLF, as ISO-8859-1 text. */
    static List<String> lines(byte[] data) {
        return List.of(new String(data, StandardCharsets.ISO_8859_1).split("\r\n", -1));
    }

    /** The body of an entity: what follows the first blank line. */
    static byte[] body(byte[] entity) {
        String text = new String(entity, StandardCharsets.ISO_8859_1);
        int blank = text.indexOf("\r\n\r\n");
        return text.substring(blank + 4).getBytes(StandardCharsets.ISO_8859_1);
    }
}
