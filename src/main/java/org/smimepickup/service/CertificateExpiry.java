package org.smimepickup.service;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.config.Config;
import org.tinylog.Logger;

/**
 * Certificates that expired or expire within {@code certs.warn.days}: the signing key
 * certificates of {@code keys.dir} and the recipient certificates of {@code certs.dir}. The
 * start-up checks, check-config and the daily expiry job word them the same way.
 */
final class CertificateExpiry {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private CertificateExpiry() {
    }

    /** One line per certificate worth a warning at {@code now}, soonest first. */
    static List<String> warnings(Config config, Instant now) {
        Duration window = Duration.ofDays(config.certsWarnDays());
        List<String> lines = new ArrayList<>();
        for (Preflight.Expiry expiry : Preflight.expiries(config)) {
            String key = expiry.file().startsWith(config.keysDir()) ? "keys.dir" : "certs.dir";
            String line = warning(key, expiry, window, now);
            if (line != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The warning for one certificate, or null while its end is further than {@code window}. */
    static String warning(String key, Preflight.Expiry expiry, Duration window, Instant now) {
        String when = DATE.format(expiry.notAfter());
        if (expiry.notAfter().isBefore(now)) {
            return key + ": certificate " + expiry.file() + " expired on " + when
                    + "; replace it";
        }
        if (expiry.notAfter().isBefore(now.plus(window))) {
            return key + ": certificate " + expiry.file() + " expires on " + when
                    + "; renew it before then";
        }
        return null;
    }

    /** The daily job: a WARN line per certificate in the window; nothing when all is well. */
    static void logWarnings(Config config) {
        for (String line : warnings(config, Instant.now())) {
            Logger.warn("certificate expiry: {}", line);
        }
    }
}
