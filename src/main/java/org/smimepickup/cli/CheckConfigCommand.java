package org.smimepickup.cli;

import java.io.PrintStream;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.service.Preflight;

/**
 * {@code check-config}, like {@code nginx -t}: runs the checks the daemon runs before it starts
 * (folders, staging filesystem, every signing key, certificate dates), prints the effective
 * configuration with secrets masked, and exits 0 only when the daemon would start.
 */
final class CheckConfigCommand {
    private CheckConfigCommand() {
    }

    static int check(Options options, PrintStream out, PrintStream err) {
        Config config;
        try {
            config = Config.load(options.config());
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        }
        Preflight.Report report = Preflight.check(config);

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
        out.println("configuration " + config.file() + " is usable");
        return Main.OK;
    }
}
