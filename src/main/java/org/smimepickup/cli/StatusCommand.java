package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.service.Preflight;
import org.smimepickup.service.SpoolStatus;

/**
 * {@code status [--json]}: files per spool folder, the oldest waiting files, the latest failures
 * with their reasons, and the certificates that expire first. Reads only.
 */
final class StatusCommand {
    private StatusCommand() {
    }

    static int status(List<String> args, PrintStream out, PrintStream err)
            throws Options.UsageException {
        List<String> rest = new ArrayList<>(args);
        boolean json = rest.remove("--json");
        Options options = Options.parse(rest);
        if (!options.arguments().isEmpty()) {
            throw new Options.UsageException("status takes no arguments besides --json");
        }
        try {
            SpoolStatus status = SpoolStatus.of(Config.load(options.config()));
            out.print(json ? json(status) : text(status));
            return Main.OK;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        } catch (IOException e) {
            err.println("cannot read the spool: " + e.getMessage());
            return Main.SOME_FAILED;
        }
    }

    static String text(SpoolStatus status) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Integer> folder : status.counts().entrySet()) {
            out.append(String.format("%-9s %d%n", folder.getKey(), folder.getValue()));
        }
        out.append("oldest in inbox:    ").append(age(status.oldestInbox())).append('\n');
        out.append("oldest in deferred: ").append(age(status.oldestDeferred())).append('\n');

        out.append(status.lastFailures().isEmpty() ? "no failures\n" : "last failures:\n");
        for (SpoolStatus.Failure failure : status.lastFailures()) {
            out.append("  ").append(failure.when()).append("  ").append(failure.name())
                    .append(": ").append(failure.reason()).append('\n');
        }

        if (!status.deferredReasons().isEmpty()) {
            out.append("deferred, failing since:\n");
        }
        for (SpoolStatus.Failure waiting : status.deferredReasons()) {
            out.append("  ").append(waiting.when()).append("  ").append(waiting.name())
                    .append(": ").append(waiting.reason()).append('\n');
        }

        out.append(status.expiries().isEmpty() ? "no certificates\n" : "expiring first:\n");
        for (Preflight.Expiry expiry : status.expiries()) {
            out.append("  ").append(expiry.notAfter()).append("  ").append(expiry.file())
                    .append('\n');
        }
        return out.toString();
    }

    static String json(SpoolStatus status) {
        StringBuilder out = new StringBuilder("{\"folders\":{");
        String comma = "";
        for (Map.Entry<String, Integer> folder : status.counts().entrySet()) {
            out.append(comma).append(quote(folder.getKey())).append(':').append(folder.getValue());
            comma = ",";
        }
        out.append("},\"oldest_inbox_seconds\":").append(seconds(status.oldestInbox()))
                .append(",\"oldest_deferred_seconds\":").append(seconds(status.oldestDeferred()));

        out.append(",\"last_failures\":[");
        comma = "";
        for (SpoolStatus.Failure failure : status.lastFailures()) {
            out.append(comma).append("{\"file\":").append(quote(failure.name()))
                    .append(",\"time\":").append(quote(failure.when().toString()))
                    .append(",\"reason\":").append(quote(failure.reason())).append('}');
            comma = ",";
        }

        out.append("],\"deferred_reasons\":[");
        comma = "";
        for (SpoolStatus.Failure waiting : status.deferredReasons()) {
            out.append(comma).append("{\"file\":").append(quote(waiting.name()))
                    .append(",\"failing_since\":").append(quote(waiting.when().toString()))
                    .append(",\"reason\":").append(quote(waiting.reason())).append('}');
            comma = ",";
        }

        out.append("],\"expiries\":[");
        comma = "";
        for (Preflight.Expiry expiry : status.expiries()) {
            out.append(comma).append("{\"file\":").append(quote(expiry.file().toString()))
                    .append(",\"not_after\":").append(quote(expiry.notAfter().toString()))
                    .append('}');
            comma = ",";
        }
        return out.append("]}\n").toString();
    }

    private static String age(Duration age) {
        if (age == null) {
            return "-";
        }
        long s = age.toSeconds();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }

    private static String seconds(Duration age) {
        return age == null ? "null" : Long.toString(age.toSeconds());
    }

    /** A JSON string; file names and reasons may hold quotes and control characters. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
