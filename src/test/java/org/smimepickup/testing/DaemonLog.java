package org.smimepickup.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's per-message log lines, which say which spool file became which pickup file:
 * {@code ID from=<S> rcpts=N action=A outcome=done to=PATH ms=N file="NAME"}, or
 * {@code ID outcome=failed ms=N file="NAME" reason: ...}.
 */
public final class DaemonLog {
    private static final Pattern MESSAGE = Pattern.compile(
            " (?:INFO|WARN) (\\S+) .*?outcome=(\\w+).*? ms=(\\d+) file=\"([^\"]*)\"");
    private static final Pattern DESTINATION = Pattern.compile(" to=(\\S+) ms=");

    private final String text;
    private final List<Entry> entries = new ArrayList<>();

    /** One message's line. {@code to} is null unless the outcome is done. */
    public record Entry(String id, String outcome, long millis, String file, Path to,
            String line) {
    }

    public DaemonLog(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            Matcher m = MESSAGE.matcher(line);
            if (m.find()) {
                Matcher to = DESTINATION.matcher(line);
                entries.add(new Entry(m.group(1), m.group(2), Long.parseLong(m.group(3)),
                        m.group(4), to.find() ? Path.of(to.group(1)) : null, line));
            }
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The lines about spool file {@code name}. */
    public List<Entry> about(String name) {
        return entries.stream().filter(e -> e.file().equals(name)).toList();
    }

    public String text() {
        return text;
    }
}
