package org.smimepickup.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Many inputs dropped into one spool and drained by one {@code once} run of the real daemon
 * (one JVM start for all of them), then looked up by spool file name through the log.
 */
public final class BatchRun {
    private final SpoolLayout layout;
    private final Map<String, byte[]> inputs;
    private final DaemonProcess.Finished finished;
    private final DaemonLog log;

    private BatchRun(SpoolLayout layout, Map<String, byte[]> inputs,
            DaemonProcess.Finished finished) {
        this.layout = layout;
        this.inputs = inputs;
        this.finished = finished;
        this.log = new DaemonLog(finished.log());
    }

    /** Drops every input, writes the config and runs {@code once}. */
    public static BatchRun once(SpoolLayout layout, Map<String, byte[]> inputs)
            throws IOException, InterruptedException {
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            layout.drop(input.getKey(), input.getValue());
        }
        Path config = layout.writeConfig();
        return new BatchRun(layout, new LinkedHashMap<>(inputs), DaemonProcess.once(config));
    }

    /** The pickup file made from {@code name}; fails unless it went to done/ with one. */
    public Path output(String name) {
        DaemonLog.Entry entry = single(name);
        assertEquals("done", entry.outcome(), () -> name + " was not delivered: "
                + entry.line() + reasonSuffix(name));
        assertNotNull(entry.to(), () -> "no destination in the log line: " + entry.line());
        assertTrue(Files.isRegularFile(entry.to()), () -> "the log names " + entry.to()
                + " but there is no such file");
        return entry.to();
    }

    /** True when {@code name} ended in failed/. */
    public boolean failed(String name) {
        return single(name).outcome().equals("failed");
    }

    /** The reason for {@code name}; fails unless it is in failed/ with a non-empty reason. */
    public String reason(String name) throws IOException {
        DaemonLog.Entry entry = single(name);
        assertEquals("failed", entry.outcome(), () -> name + " should have failed: "
                + entry.line());
        assertTrue(Files.isRegularFile(layout.failed(name)),
                () -> name + " is not in failed/");
        String reason = layout.reason(name);
        assertTrue(reason != null && !reason.isBlank(),
                () -> name + " is in failed/ without a reason");
        return reason;
    }

    public DaemonLog.Entry single(String name) {
        List<DaemonLog.Entry> lines = log.about(name);
        assertEquals(1, lines.size(), () -> "expected one log line about " + name + ", got "
                + lines.size() + "; log:\n" + log.text());
        return lines.get(0);
    }

    private String reasonSuffix(String name) {
        try {
            String reason = layout.reason(name);
            return reason == null ? "" : "\nreason: " + reason.strip();
        } catch (IOException e) {
            return "";
        }
    }

    public byte[] input(String name) {
        return inputs.get(name);
    }

    public Map<String, byte[]> inputs() {
        return inputs;
    }

    public SpoolLayout layout() {
        return layout;
    }

    public int exit() {
        return finished.exit();
    }

    public DaemonLog log() {
        return log;
    }
}
