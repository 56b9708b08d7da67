package org.smimepickup.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The bytes of a MIME entity that may be too large to copy: in memory, in a scratch file, or a
 * sequence of both. Written out as often as needed, always the same bytes. Immutable.
 */
public interface Body {
    long length();

    /** Writes every byte to {@code out}; does not close it. */
    void writeTo(OutputStream out) throws IOException;

    /** The bytes as one array; for small bodies and tests. */
    default byte[] toBytes() throws IOException {
        ByteSink sink = new ByteSink((int) Math.min(length(), Integer.MAX_VALUE - 16));
        writeTo(sink);
        return sink.toByteArray();
    }

    static Body of(byte[] bytes) {
        return of(bytes, bytes.length);
    }

    /** The first {@code length} bytes of {@code bytes}, not copied. */
    static Body of(byte[] bytes, int length) {
        return new Body() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(bytes, 0, length);
            }

            @Override
            public byte[] toBytes() {
                return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
            }
        };
    }

    /** A file's content, read each time it is written. */
    static Body of(Path file) throws IOException {
        long length = Files.size(file);
        return new Body() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(out);
                }
            }
        };
    }

    /** The parts one after the other, none of them copied. */
    static Body concat(Body... parts) {
        List<Body> list = List.of(parts);
        long total = list.stream().mapToLong(Body::length).sum();
        return new Body() {
            @Override
            public long length() {
                return total;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                for (Body part : list) {
                    part.writeTo(out);
                }
            }
        };
    }
}
