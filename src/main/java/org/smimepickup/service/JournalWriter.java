package org.smimepickup.service;

import java.io.PrintStream;
import java.util.Map;
import org.tinylog.Level;
import org.tinylog.core.LogEntry;
import org.tinylog.writers.AbstractFormatPatternWriter;

/**
 * A tinylog writer for standard output under systemd: every line starts with its syslog
 * priority ({@code <3>} error, {@code <4>} warn, {@code <6>} info, {@code <7>} debug and trace),
 * which journald strips and keeps as the entry's level, so {@code journalctl -p warning} works.
 * tinylog's own {@code {level-code}} counts 1 to 5 and cannot express these numbers. Every line
 * of a multi-line entry (a stack trace) gets the prefix, as journald reads each line alone.
 * Configured by {@link Logging} as {@code writer = org.smimepickup.service.JournalWriter}.
 */
public final class JournalWriter extends AbstractFormatPatternWriter {
    private final PrintStream out = System.out;

    public JournalWriter(Map<String, String> properties) {
        super(properties);
    }

    @Override
    public void write(LogEntry entry) {
        String text = render(entry).stripTrailing();
        String prefix = "<" + priority(entry.getLevel()) + ">";
        StringBuilder lines = new StringBuilder(text.length() + 16);
        for (String line : text.split("\\R", -1)) {
            lines.append(prefix).append(line).append('\n');
        }
        synchronized (out) {
            out.print(lines);
            out.flush();
        }
    }

    static int priority(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            default -> 7;
        };
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.flush();
    }
}
