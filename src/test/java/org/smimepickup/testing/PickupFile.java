package org.smimepickup.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A file split into its leading PowerMTA envelope lines ({@code x-sender}, {@code x-receiver},
 * ...) and the message after them. Reads both the daemon's output (CRLF) and its inputs (any
 * line ending, with or without envelope lines).
 */
public record PickupFile(List<Line> envelope, byte[] message) {
    static final Set<String> ENVELOPE_NAMES = Set.of("x-sender", "x-receiver", "x-envid",
            "x-job", "x-virtual-mta");

    /** One envelope line: lower-case name and trimmed value. */
    public record Line(String name, String value) {
    }

    public static PickupFile parse(byte[] data) {
        List<Line> envelope = new ArrayList<>();
        int pos = 0;
        while (true) {
            int end = indexOf(data, (byte) '\n', pos);
            if (end < 0) {
                break;
            }
            String line = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1).strip();
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).strip()
                    .toLowerCase(Locale.ROOT);
            if (!ENVELOPE_NAMES.contains(name)) {
                break;
            }
            envelope.add(new Line(name, line.substring(colon + 1).strip()));
            pos = end + 1;
        }
        return new PickupFile(List.copyOf(envelope), Arrays.copyOfRange(data, pos, data.length));
    }

    /** The value of the first {@code x-sender} line, or null. */
    public String sender() {
        return values("x-sender").stream().findFirst().orElse(null);
    }

    /** Every {@code x-receiver}, lower-cased. */
    public List<String> receivers() {
        return values("x-receiver").stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }

    public List<String> values(String name) {
        return envelope.stream().filter(l -> l.name().equals(name)).map(Line::value).toList();
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
