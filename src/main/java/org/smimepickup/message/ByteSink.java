package org.smimepickup.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A growable byte buffer with the few writes MIME output needs. */
public final class ByteSink extends ByteArrayOutputStream {
    public ByteSink(int size) {
        super(size);
    }

    /*
     * A sink belongs to one message on one thread: the writes below skip the lock that
     * ByteArrayOutputStream takes on every call, which showed up on byte-at-a-time output
     * (quoted-printable, line breaks).
     */
    @Override
    public void write(int b) {
        if (count == buf.length) {
            grow(1);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len > buf.length - count) {
            grow(len);
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** Room for {@code more} bytes after {@code count}: at least double, as the JDK grows it. */
    private void grow(int more) {
        int needed = count + more;
        if (needed < 0 || needed > MAX_SIZE) {
            throw new OutOfMemoryError("a message entity over " + MAX_SIZE + " bytes");
        }
        long doubled = Math.max(2L * buf.length, 32);
        buf = java.util.Arrays.copyOf(buf, (int) Math.min(MAX_SIZE, Math.max(doubled, needed)));
    }

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    public ByteSink ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        write(b, 0, b.length);
        return this;
    }

    public ByteSink crlf() {
        if (buf.length - count < 2) {
            grow(2);
        }
        buf[count++] = '\r';
        buf[count++] = '\n';
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
