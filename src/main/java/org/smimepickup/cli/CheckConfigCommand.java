package org.smimepickup.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.service.Preflight;

/**
 * {@code check-config [--connect]}, like {@code nginx -t}: runs the checks the daemon runs before
 * it starts (folders, staging filesystem, every signing key, certificate dates) and, with
 * {@code --connect}, asks the SMTP server for its greeting; prints the effective configuration
 * with secrets masked, and exits 0 only when the daemon would start.
 */
final class CheckConfigCommand {
    private CheckConfigCommand() {
    }

    static int check(List<String> args, PrintStream out, PrintStream err)
            throws Options.UsageException {
        List<String> rest = new ArrayList<>(args);
        boolean connect = rest.remove("--connect");
        Options options = Options.parse(rest);
        Config config;
        try {
            config = Config.load(options.config());
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        }
        Preflight.Report report = Preflight.check(config, connect);

        out.println("# effective configuration of " + config.file() + " (secrets masked)");
        out.print(config.describe());

        for (String warning : report.warnings()) {
            err.println("warning: " + warning);
        }
        for (String error : report.errors()) {
            err.println("configuration error: " + error);
        }
        if (!report.ok()) {
            err.println("configuration " + config.file() + " cannot be used: "
                    + report.errors().size() + " error(s)");
            return Main.CONFIG;
        }
        out.println("key operations by " + config.cryptoEngine().describe());
        out.println("configuration " + config.file() + " is usable");
        return Main.OK;
    }
}
