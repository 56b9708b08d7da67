package org.smimepickup.testing;

import java.util.ArrayList;
import java.util.List;

/** What every byte the daemon writes must obey: CRLF only, 7-bit, lines of at most 998. */
public final class LineRules {
    private LineRules() {
    }

    /** Problems with a whole output file; empty when it obeys. */
    public static List<String> check(byte[] data) {
        List<String> problems = new ArrayList<>(checkSigned(data));
        if (longestLine(data) > 998) {
            problems.add("a line of " + longestLine(data) + " octets (over 998)");
        }
        return problems;
    }

    /** Problems with a signed entity: it must be canonical CRLF and 7-bit before hashing. */
    public static List<String> checkSigned(byte[] data) {
        List<String> problems = new ArrayList<>();
        int bare = bareLineEnd(data);
        if (bare >= 0) {
            problems.add("bare CR or LF at offset " + bare);
        }
        for (int i = 0; i < data.length; i++) {
            if ((data[i] & 0xFF) > 0x7F) {
                problems.add("8-bit byte at offset " + i);
                break;
            }
        }
        return problems;
    }

    /** The offset of the first CR not before LF or LF not after CR, or -1. */
    public static int bareLineEnd(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            boolean crAlone = data[i] == '\r' && (i + 1 == data.length || data[i + 1] != '\n');
            boolean lfAlone = data[i] == '\n' && (i == 0 || data[i - 1] != '\r');
            if (crAlone || lfAlone) {
                return i;
            }
        }
        return -1;
    }

    /** The length of the longest line, without its CRLF. */
    public static int longestLine(byte[] data) {
        int longest = 0;
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
                longest = Math.max(longest, end - start);
                start = i + 1;
            }
        }
        return longest;
    }
}
