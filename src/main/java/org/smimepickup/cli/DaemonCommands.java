package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.service.Daemon;
import org.smimepickup.service.Logging;
import org.smimepickup.service.Outcome;
import org.smimepickup.service.Preflight;
import org.smimepickup.service.ReloadSignal;
import org.tinylog.Logger;

/** {@code run} and {@code once}. */
final class DaemonCommands {
    private DaemonCommands() {
    }

    static int once(Options options, PrintStream out, PrintStream err) {
        try {
            Config config = Config.load(options.config());
            Logging.configure(config, System.getenv());
            Daemon daemon = new Daemon(config);
            // the same start-up checks as run: an unusable key is a configuration error
            if (!preflight(daemon, err)) {
                return Main.CONFIG;
            }
            Map<Outcome, Integer> counts = daemon.once();
            int done = counts.getOrDefault(Outcome.DONE, 0);
            int failed = counts.getOrDefault(Outcome.FAILED, 0);
            int deferred = counts.getOrDefault(Outcome.DEFERRED, 0);
            int skipped = counts.getOrDefault(Outcome.SKIPPED, 0);
            out.println("done " + done + ", failed " + failed + ", deferred " + deferred
                    + ", left in inbox " + skipped);
            return failed + deferred + skipped == 0 ? Main.OK : Main.SOME_FAILED;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        } catch (IOException e) {
            err.println("cannot use the spool: " + e.getMessage());
            return Main.CONFIG;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.SOME_FAILED;
        }
    }

    /** Start-up checks: warnings to the log, errors to the operator; false on any error. */
    private static boolean preflight(Daemon daemon, PrintStream err) {
        Preflight.Report report = Preflight.check(daemon);
        for (String warning : report.warnings()) {
            Logger.warn("check: {}", warning);
        }
        report.errors().forEach(error -> err.println("configuration error: " + error));
        return report.ok();
    }

    static int run(Options options, PrintStream err) {
        Daemon daemon;
        try {
            Config config = Config.load(options.config());
            Logging.configure(config, System.getenv());
            Logging.logConfiguration(config);
            daemon = new Daemon(config);
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        }
        if (!preflight(daemon, err)) {
            return Main.CONFIG;
        }
        ReloadSignal.install(daemon);
        CountDownLatch finished = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.stop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        try {
            daemon.run();
            return Main.OK;
        } catch (Exception e) {
            Logger.error(e, "daemon stopped by an error");
            return Main.SOFTWARE;
        } finally {
            finished.countDown();
        }
    }
}
