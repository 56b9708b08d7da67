package org.smimepickup.message;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Finds a fixed byte string in bytes (Horspool): a byte that does not occur in the needle lets
 * the search jump a whole needle length, so a long needle (a MIME boundary) costs a fraction of
 * a comparison per byte where a byte-at-a-time matcher costs several. Immutable; thread-safe.
 */
public final class ByteSearch {
    private final byte[] needle;
    /** How far the needle may move when the byte under its last position is the index. */
    private final int[] shift = new int[256];

    public ByteSearch(byte[] needle) {
        if (needle.length == 0) {
            throw new IllegalArgumentException("an empty needle matches everywhere");
        }
        this.needle = needle.clone();
        int last = needle.length - 1;
        Arrays.fill(shift, needle.length);
        for (int i = 0; i < last; i++) {
            shift[needle[i] & 0xff] = last - i;
        }
    }

    public int length() {
        return needle.length;
    }

    /** Where the first occurrence starts that lies wholly in {@code [from, to)}, or -1. */
    public int indexOf(byte[] data, int from, int to) {
        int last = needle.length - 1;
        byte lastByte = needle[last];
        if (to - from <= last) {
            return -1;
        }
        // i is the position under the needle's last byte; i >= 0 stops an overflow past the end
        for (int i = from + last; i < to && i >= 0; ) {
            byte b = data[i];
            if (b == lastByte && matchesAt(data, i - last)) {
                return i - last;
            }
            i += shift[b & 0xff];
        }
        return -1;
    }

    private boolean matchesAt(byte[] data, int start) {
        for (int k = 0; k < needle.length - 1; k++) {
            if (data[start + k] != needle[k]) {
                return false;
            }
        }
        return true;
    }

    /** A stream that notes whether the needle went past, also when split between writes. */
    public Finder finder() {
        return new Finder();
    }

    /** Not thread-safe: one per scan. */
    public final class Finder extends OutputStream {
        /** The last bytes written (at most needle length - 1), then the start of the next write. */
        private final byte[] seam = new byte[2 * (needle.length - 1)];
        private int kept;
        private boolean found;

        public boolean found() {
            return found;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, data.length);
            if (found || len == 0) {
                return;
            }
            int carry = needle.length - 1;
            // an occurrence that starts in earlier writes ends within the next carry bytes
            int take = Math.min(carry, len);
            System.arraycopy(data, off, seam, kept, take);
            int total = kept + take;
            if (indexOf(seam, 0, total) >= 0 || indexOf(data, off, off + len) >= 0) {
                found = true;
                return;
            }
            if (len >= carry) {
                System.arraycopy(data, off + len - carry, seam, 0, carry);
                kept = carry;
            } else {
                int keep = Math.min(carry, total);
                System.arraycopy(seam, total - keep, seam, 0, keep);
                kept = keep;
            }
        }
    }
}
