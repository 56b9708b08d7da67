package org.smimepickup.service;

import java.util.Map;
import org.smimepickup.config.Config;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;

/**
 * Sets up tinylog from the configuration before anything logs. Under systemd
 * ({@code JOURNAL_STREAM} set: standard output goes to the journal) lines carry no timestamp,
 * as journald adds its own, and start with their syslog priority; elsewhere they start with
 * the date and time and the level name, as {@code tinylog.properties} has it. The level is
 * {@code log.level}; tinylog freezes its configuration at the first log call, so a reload cannot
 * change it.
 */
public final class Logging {
    /** Without date and level: journald records the time and takes the level from the prefix. */
    static final String JOURNAL_FORMAT = "{message}";
    static final String CONSOLE_FORMAT = "{date:yyyy-MM-dd HH:mm:ss.SSS} {level} {message}";

    private Logging() {
    }

    /** Applies {@code log.level} and the format for where output goes; once, before any log. */
    public static void configure(Config config, Map<String, String> environment) {
        if (Configuration.isFrozen()) {
            // something logged already (tests that run commands in one JVM): keep that setup
            return;
        }
        if (underJournal(environment)) {
            Configuration.set("writer", JournalWriter.class.getName());
            Configuration.set("writer.format", JOURNAL_FORMAT);
        } else {
            Configuration.set("writer", "console");
            Configuration.set("writer.format", CONSOLE_FORMAT);
        }
        Configuration.set("writer.level", config.logLevel());
    }

    static boolean underJournal(Map<String, String> environment) {
        String stream = environment.get("JOURNAL_STREAM");
        return stream != null && !stream.isBlank();
    }

    /** The effective configuration, a line per key and secrets masked, for the start-up log. */
    public static void logConfiguration(Config config) {
        Logger.info("configuration {}:", config.file());
        for (String line : config.describe().split("\n")) {
            Logger.info("config {}", line);
        }
    }
}
