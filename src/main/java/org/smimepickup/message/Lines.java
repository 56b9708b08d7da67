package org.smimepickup.message;

/** Line scanning over raw bytes where a line ends in LF or CRLF; a bare CR is line content. */
final class Lines {
    private Lines() {
    }

    /** Index of the line terminator (CR of CRLF, or LF) of the line at pos, or {@code to}. */
    static int endOfLine(byte[] data, int pos, int to) {
        for (int i = pos; i < to; i++) {
            if (data[i] == '\n') {
                return i > pos && data[i - 1] == '\r' ? i - 1 : i;
            }
        }
        return to;
    }

    /** Start of the next line given the terminator index from {@link #endOfLine}. */
    static int nextLine(byte[] data, int end, int to) {
        if (end >= to) {
            return to;
        }
        return data[end] == '\r' ? end + 2 : end + 1;
    }

    /** The length of the line break that ends just before {@code pos}: 2, 1 or 0. */
    static int breakBefore(byte[] data, int pos, int from) {
        if (pos - 1 >= from && data[pos - 1] == '\n') {
            return pos - 2 >= from && data[pos - 2] == '\r' ? 2 : 1;
        }
        return 0;
    }
}
