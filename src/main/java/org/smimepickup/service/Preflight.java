package org.smimepickup.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.smimepickup.certs.PemFiles;
import org.smimepickup.certs.SigningKeys;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.smime.CryptoEngine;
import org.smimepickup.spool.Spool;

/**
 * The checks a configuration must pass before the daemon starts or a reload takes effect, and
 * that {@code check-config} prints: every folder usable, every signing key usable (safe mode,
 * matches its certificate, in its dates, fit for signing). Errors stop the start; warnings
 * (a recipient certificate that expired or expires soon) are worth a look but do not.
 */
public final class Preflight {
    /** The findings; the daemon starts only when {@code errors} is empty. */
    public record Report(List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** One certificate's end of validity, for expiry reports. */
    public record Expiry(Path file, Instant notAfter) {
    }

    private Preflight() {
    }

    /** Builds the daemon's parts from {@code config} and checks them; creates missing folders. */
    public static Report check(Config config) {
        return check(config, false);
    }

    /** As {@link #check(Config)}; with {@code connect}, also asks the SMTP server for 220. */
    public static Report check(Config config, boolean connect) {
        Report report;
        try {
            report = check(new Daemon(config));
        } catch (ConfigException e) {
            return new Report(List.of(e.getMessage()), List.of());
        }
        if (connect && config.smtp() != null) {
            String problem = SmtpProbe.problem(config.smtp());
            if (problem != null) {
                report.errors().add(problem);
            }
        }
        return report;
    }

    /** Checks the parts of a daemon that is built but not started. */
    public static Report check(Daemon daemon) {
        Report report = new Report(new ArrayList<>(), new ArrayList<>());
        Config config = daemon.config();

        String nativeCalls = Spool.nativeProblem();
        if (nativeCalls != null) {
            report.errors().add("spool.dir: " + nativeCalls);
        }
        if (config.cryptoEngine() == CryptoEngine.AUTO
                && config.cryptoEngine().problem() != null) {
            report.warnings().add("crypto.engine = auto: " + config.cryptoEngine().problem()
                    + "; the JDK does the key operations, about a third slower");
        }

        spoolFolders(daemon.spool(), report);

        if (config.smtp() == null) {
            writable("pickup.dir", config.pickupDir(), report);
            writable("pickup.staging.dir", config.pickupStagingDir(), report);
        } else {
            report.warnings().addAll(config.smtp().warnings());
        }

        signingKeys(config, daemon.pipeline().keys(), report);

        recipientCertificates(config, report);
        return report;
    }

    private static void spoolFolders(Spool spool, Report report) {
        for (Path dir : List.of(spool.inbox(), spool.work(), spool.done(), spool.failed(),
                spool.deferred(), spool.tmp())) {
            writable("spool.dir", dir, report);
        }
    }

    private static void writable(String key, Path dir, Report report) {
        if (!Files.isDirectory(dir)) {
            report.errors().add(key + ": " + dir + " is not a folder");
        } else if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            report.errors().add(key + ": " + dir + " is not writable by user "
                    + System.getProperty("user.name"));
        }
    }

    private static void signingKeys(Config config, SigningKeys keys, Report report) {
        if (!Files.isDirectory(config.keysDir())) {
            report.errors().add("keys.dir: " + config.keysDir() + " is not a folder");
            return;
        }
        List<String> addresses = keys.addresses();
        if (addresses.isEmpty() && config.mode().signs()) {
            report.errors().add("keys.dir: " + config.keysDir() + " holds no <address>.pem with"
                    + " <address>.crt, but mode = " + config.mode() + " signs every message");
        }
        for (String address : addresses) {
            try {
                keys.find(address);
            } catch (PermanentFailure e) {
                report.errors().add("keys.dir: signing key for " + address + ": "
                        + e.getMessage());
            }
        }
        for (Expiry expiry : expiries(config.keysDir())) {
            warnIfSoon(config, "keys.dir", expiry, report);
        }
    }

    private static void recipientCertificates(Config config, Report report) {
        if (!Files.isDirectory(config.certsDir())) {
            if (config.mode().encrypts()) {
                report.errors().add("certs.dir: " + config.certsDir() + " is not a folder, but"
                        + " mode = " + config.mode() + " encrypts every message");
            }
            return;
        }
        for (Expiry expiry : expiries(config.certsDir())) {
            warnIfSoon(config, "certs.dir", expiry, report);
        }
    }

    private static void warnIfSoon(Config config, String key, Expiry expiry, Report report) {
        String warning = CertificateExpiry.warning(key, expiry,
                Duration.ofDays(config.certsWarnDays()), Instant.now());
        if (warning != null) {
            report.warnings().add(warning);
        }
    }

    /** The signing and recipient certificates of a config, soonest expiry first. */
    public static List<Expiry> expiries(Config config) {
        List<Expiry> all = new ArrayList<>(expiries(config.keysDir()));
        all.addAll(expiries(config.certsDir()));
        all.sort(Comparator.comparing(Expiry::notAfter));
        return all;
    }

    /** The first certificate of every readable {@code *.crt} in {@code dir}; none if absent. */
    static List<Expiry> expiries(Path dir) {
        List<Expiry> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
            for (Path file : files) {
                try {
                    X509Certificate first = PemFiles.certificates(file).get(0);
                    found.add(new Expiry(file, first.getNotAfter().toInstant()));
                } catch (PermanentFailure | IndexOutOfBoundsException e) {
                    // unreadable files are reported when a message needs them
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }
}
