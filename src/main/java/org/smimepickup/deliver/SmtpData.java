package org.smimepickup.deliver;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The DATA body on the wire (RFC 5321 4.5.2): the bytes as they are, a dot added before every
 * line that starts with one, and CRLF appended when the message does not end with a line
 * break. Nothing else is touched: the bytes were hashed and must arrive as they were hashed.
 */
final class SmtpData {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] END = {'.', '\r', '\n'};

    private SmtpData() {
    }

    /** Writes the pieces as one dot-stuffed body, without the terminating dot line. */
    static void writeStuffed(OutputStream out, byte[]... pieces) throws IOException {
        boolean lineStart = true;
        int last = '\n';
        for (byte[] piece : pieces) {
            int from = 0;
            for (int i = 0; i < piece.length; i++) {
                if (lineStart && piece[i] == '.') {
                    out.write(piece, from, i - from);
                    out.write('.');
                    from = i;
                }
                lineStart = piece[i] == '\n';
            }
            out.write(piece, from, piece.length - from);
            if (piece.length > 0) {
                last = piece[piece.length - 1];
            }
        }
        if (last != '\n') {
            out.write(CRLF);
        }
    }

    /** The line that ends the body. Once it is sent, the server may have taken the message. */
    static void writeEnd(OutputStream out) throws IOException {
        out.write(END);
    }
}
