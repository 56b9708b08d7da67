package org.smimepickup.deliver;

import java.io.IOException;
import java.io.OutputStream;
import org.smimepickup.message.Body;

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
    static void writeStuffed(OutputStream out, Body... pieces) throws IOException {
        Stuffing stuffing = new Stuffing(out);
        for (Body piece : pieces) {
            piece.writeTo(stuffing);
        }
        if (stuffing.last != '\n') {
            out.write(CRLF);
        }
    }

    /** Adds the dot before each line that starts with one, across any number of writes. */
    private static final class Stuffing extends OutputStream {
        private final OutputStream out;
        private boolean lineStart = true;
        private int last = '\n';

        Stuffing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] piece, int off, int len) throws IOException {
            int from = off;
            for (int i = off; i < off + len; i++) {
                if (lineStart && piece[i] == '.') {
                    out.write(piece, from, i - from);
                    out.write('.');
                    from = i;
                }
                lineStart = piece[i] == '\n';
            }
            out.write(piece, from, off + len - from);
            if (len > 0) {
                last = piece[off + len - 1];
            }
        }
    }

    /** The line that ends the body. Once it is sent, the server may have taken the message. */
    static void writeEnd(OutputStream out) throws IOException {
        out.write(END);
    }
}
