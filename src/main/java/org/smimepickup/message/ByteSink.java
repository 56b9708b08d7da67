package org.smimepickup.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A growable byte buffer with the few writes MIME output needs. */
public final class ByteSink extends ByteArrayOutputStream {
    public ByteSink(int size) {
        super(size);
    }

    public ByteSink ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        write(b, 0, b.length);
        return this;
    }

    public ByteSink crlf() {
        write('\r');
        write('\n');
        return this;
    }

    public ByteSink bytes(byte[] b) {
        write(b, 0, b.length);
        return this;
    }

    public ByteSink bytes(byte[] b, int from, int to) {
        write(b, from, to - from);
        return this;
    }

    /** True when the last bytes written are CRLF (or nothing was written). */
    public boolean endsWithCrlf() {
        return count == 0 || (count >= 2 && buf[count - 2] == '\r' && buf[count - 1] == '\n');
    }

    /** What was written, as a body over the internal array: not copied. */
    public Body toBody() {
        return Body.of(buf, count);
    }

    /** The internal array; valid up to {@link #size()}. Avoids a copy of large bodies. */
    public byte[] array() {
        return buf;
    }
}
