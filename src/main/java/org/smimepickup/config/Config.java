package org.smimepickup.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.smimepickup.certs.KeyMode;
import org.smimepickup.deliver.SmtpSettings;
import org.smimepickup.deliver.SmtpTls;
import org.smimepickup.smime.ContentCipher;
import org.smimepickup.smime.DigestAlgorithm;
import org.smimepickup.smime.KeyTransport;
import org.smimepickup.smime.CryptoEngine;

/**
 * The effective configuration: {@code key = value} lines, {@code #} comments (whole lines, or
 * after a blank at the end of a line), every key with a default (see
 * {@code conf/smime-pickup.conf}). Unknown keys are refused so that a typo cannot
 * silently fall back to a default. Relative paths are taken from the config file's folder.
 * Immutable.
 */
public final class Config {
    /** Every key with its default; null means "no default" (required, or off). */
    static final Map<String, String> DEFAULTS = defaults();

    private final Path file;
    private final Map<String, String> values;
    private Mode mode;
    private MessageSettings.MissingCert missingCert;
    private Policies policies;
    private ContentCipher cipher;
    private DigestAlgorithm digest;
    private CryptoEngine cryptoEngine;
    private Set<PosixFilePermission> keysAllowedMode;
    private Set<PosixFilePermission> outputMode;
    private SmtpSettings smtp;
    private String logLevel;

    /** Environment variables that override a key, as the older one-shot tool read them. */
    private static final Map<String, String> ENVIRONMENT = Map.of("SMTP_HOST", "smtp.host",
            "SMTP_PORT", "smtp.port", "SMTP_USER", "smtp.user", "SMTP_PASSWORD", "smtp.password");

    private Config(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("spool.dir", "/var/spool/smime-in");
        d.put("keys.dir", "/etc/smime-pickup/keys");
        d.put("certs.dir", "/etc/smime-pickup/certs");
        d.put("trust.dir", null);
        d.put("mode", "sign+encrypt");
        d.put("delivery", "pickup");
        d.put("pickup.dir", "/var/spool/pmta/pickup");
        d.put("pickup.staging.dir", null);
        d.put("missing.cert", "fail");
        d.put("encrypt.to.sender", "false");
        d.put("cipher", "aes256-cbc");
        d.put("key.transport", "pkcs1");
        d.put("digest", "sha256");
        d.put("crypto.engine", "auto");
        d.put("signature", "detached");
        d.put("control.header", "false");
        d.put("workers", "0");
        d.put("rescan.seconds", "5");
        d.put("max.message.bytes", "52428800");
        d.put("keys.allowed.mode", "0600");
        d.put("output.mode", "0640");
        d.put("output.group", null);
        d.put("retry.first.seconds", "30");
        d.put("retry.max.seconds", "600");
        d.put("retry.giveup.hours", "96");
        d.put("shutdown.grace.seconds", "30");
        d.put("done.retention.days", "30");
        d.put("certs.warn.days", "30");
        d.put("metrics.file", null);
        d.put("log.level", "info");
        d.put("smtp.host", null);
        d.put("smtp.port", "25");
        d.put("smtp.tls", "starttls");
        d.put("smtp.tls.trust", null);
        d.put("smtp.tls.verify", "true");
        d.put("smtp.user", null);
        d.put("smtp.password", null);
        d.put("smtp.password.file", null);
        d.put("smtp.auth.plaintext", "false");
        d.put("smtp.helo", null);
        d.put("smtp.connections", "2");
        d.put("smtp.timeout.seconds", "60");
        return d;
    }

    /** Reads and validates a config file; SMTP_HOST and the like override its keys. */
    public static Config load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** As {@link #load(Path)}, with {@code environment} in place of the process's. */
    public static Config load(Path file, Map<String, String> environment)
            throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(file + " line " + (n + 1)
                        + ": expected 'key = value'");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (!DEFAULTS.containsKey(key) && !Policies.isPolicyKey(key)) {
                throw new ConfigException(file + " line " + (n + 1) + ": unknown key '" + key
                        + "' (see conf/smime-pickup.conf for the keys)");
            }
            String value = line.substring(eq + 1).strip();
            // a password is taken whole, as cutting "abc #1" at the blank would fail AUTH; only
            // a value that starts with '#' is a comment (such a password goes in a file)
            values.put(key, !key.equals("smtp.password") ? withoutComment(value)
                    : value.startsWith("#") ? "" : value);
        }
        for (Map.Entry<String, String> e : ENVIRONMENT.entrySet()) {
            String v = environment.get(e.getKey());
            if (v != null && !v.isEmpty()) {
                values.put(e.getValue(), v);
            }
        }
        Config config = new Config(file.toAbsolutePath(), values);
        config.validate();
        return config;
    }

    /**
     * {@code value} without its trailing comment: a {@code #} after a space or tab (or first),
     * and the blanks before it. A {@code #} right after another character stays ({@code a#b}).
     */
    private static String withoutComment(String value) {
        if (value.startsWith("#")) {
            return "";
        }
        for (int i = 1; i < value.length(); i++) {
            char before = value.charAt(i - 1);
            if (value.charAt(i) == '#' && (before == ' ' || before == '\t')) {
                return value.substring(0, i).strip();
            }
        }
        return value;
    }

    private void validate() throws ConfigException {
        for (String key : List.of("spool.dir", "keys.dir", "certs.dir", "pickup.dir")) {
            // an empty folder would be this file's own folder: the spool would take the config
            // and its neighbours for messages
            if (text(key).isEmpty()) {
                throw new ConfigException(key + " is empty (a comment alone after '='?): name a"
                        + " folder, or remove the line to use the default " + DEFAULTS.get(key));
            }
        }
        mode = parseMode();
        missingCert = parseMissingCert();
        cipher = parseCipher();
        digest = parseDigest();
        cryptoEngine = parseCryptoEngine();
        policies = Policies.build(values, defaultSettings());
        keysAllowedMode = octal("keys.allowed.mode");
        outputMode = octal("output.mode");
        integer("workers", 0, 256);
        integer("rescan.seconds", 1, 3600);
        integer("max.message.bytes", 1024, Integer.MAX_VALUE - 16);
        integer("retry.first.seconds", 1, 86_400);
        integer("retry.max.seconds", 1, 86_400);
        integer("retry.giveup.hours", 1, 24 * 365);
        integer("shutdown.grace.seconds", 1, 3600);
        integer("done.retention.days", 0, 36_500);
        integer("certs.warn.days", 0, 3650);
        logLevel = parseLogLevel();
        bool("encrypt.to.sender");
        String delivery = text("delivery").toLowerCase(Locale.ROOT);
        if (!delivery.equals("pickup") && !delivery.equals("smtp")) {
            throw new ConfigException("delivery = " + delivery + ": use pickup or smtp");
        }
        smtp = delivery.equals("smtp") ? parseSmtp() : null;
    }

    /** A copy with one key changed, validated again; for command-line options. */
    public Config with(String key, String value) throws ConfigException {
        Map<String, String> changed = new LinkedHashMap<>(values);
        changed.put(key, value);
        Config config = new Config(file, changed);
        config.validate();
        return config;
    }

    /** How to inject over SMTP; null unless {@code delivery = smtp}. */
    public SmtpSettings smtp() {
        return smtp;
    }

    private SmtpSettings parseSmtp() throws ConfigException {
        if (text("smtp.host").isEmpty()) {
            throw new ConfigException("delivery = smtp but smtp.host is not set (nor the"
                    + " environment variable SMTP_HOST): set it to the MTA, e.g. 127.0.0.1");
        }
        integer("smtp.port", 1, 65_535);
        integer("smtp.connections", 1, 64);
        integer("smtp.timeout.seconds", 1, 3600);
        bool("smtp.tls.verify");
        bool("smtp.auth.plaintext");
        SmtpTls tls;
        try {
            tls = SmtpTls.parse(text("smtp.tls"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("smtp.tls = " + e.getMessage());
        }
        List<String> warnings = new ArrayList<>();
        String user = text("smtp.user").isEmpty() ? null : text("smtp.user");
        String password = smtpPassword(warnings);
        if (user != null && password == null) {
            throw new ConfigException("smtp.user is set but no password: set smtp.password,"
                    + " smtp.password.file or the environment variable SMTP_PASSWORD");
        }
        boolean plaintext = Boolean.parseBoolean(text("smtp.auth.plaintext"));
        if (user != null && tls == SmtpTls.NONE && !plaintext) {
            throw new ConfigException("smtp.user with smtp.tls = none would send the password"
                    + " in clear; use TLS, or set smtp.auth.plaintext = true");
        }
        return new SmtpSettings(text("smtp.host"), Integer.parseInt(text("smtp.port")), tls,
                text("smtp.tls.trust").isEmpty() ? null : path("smtp.tls.trust"),
                Boolean.parseBoolean(text("smtp.tls.verify")), user, password, plaintext,
                text("smtp.helo").isEmpty() ? localHostName() : text("smtp.helo"),
                Integer.parseInt(text("smtp.connections")),
                Integer.parseInt(text("smtp.timeout.seconds")), warnings);
    }

    /** From smtp.password.file, else the key (or SMTP_PASSWORD); null when neither is set. */
    private String smtpPassword(List<String> warnings) throws ConfigException {
        if (!text("smtp.password.file").isEmpty()) {
            Path secret = path("smtp.password.file");
            try {
                warnIfOthersRead(secret, warnings);
                return Files.readString(secret, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new ConfigException("smtp.password.file = " + secret + ": cannot read it: "
                        + e.getMessage());
            }
        }
        if (text("smtp.password").isEmpty()) {
            return null;
        }
        try {
            warnIfOthersRead(file, warnings);
        } catch (IOException e) {
            // the file was just read; a failing stat only loses the warning
        }
        return text("smtp.password");
    }

    private static void warnIfOthersRead(Path secret, List<String> warnings)
            throws IOException {
        if (Files.getPosixFilePermissions(secret).contains(PosixFilePermission.OTHERS_READ)) {
            warnings.add(secret + " holds the SMTP password and every user can read it;"
                    + " run: chmod o-rwx " + secret);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public Path file() {
        return file;
    }

    public Path spoolDir() {
        return path("spool.dir");
    }

    public Path keysDir() {
        return path("keys.dir");
    }

    public Path certsDir() {
        return path("certs.dir");
    }

    /** Null when no trust anchors are configured. */
    public Path trustDir() {
        return values.get("trust.dir") == null || values.get("trust.dir").isEmpty()
                ? null : path("trust.dir");
    }

    public Path pickupDir() {
        return path("pickup.dir");
    }

    /** Defaults to a hidden sibling of the pickup folder, so it shares its filesystem. */
    public Path pickupStagingDir() {
        String staging = values.get("pickup.staging.dir");
        if (staging == null || staging.isEmpty()) {
            Path pickup = pickupDir();
            return pickup.resolveSibling("." + pickup.getFileName() + ".staging");
        }
        return path("pickup.staging.dir");
    }

    public Mode mode() {
        return mode;
    }

    private Mode parseMode() throws ConfigException {
        try {
            return Mode.parse(text("mode"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("mode = " + e.getMessage());
        }
    }

    /** What to do for a recipient with no usable certificate, when no policy says. */
    public MessageSettings.MissingCert missingCertPolicy() {
        return missingCert;
    }

    private MessageSettings.MissingCert parseMissingCert() throws ConfigException {
        try {
            return MessageSettings.MissingCert.parse(text("missing.cert"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("missing.cert = " + e.getMessage());
        }
    }

    /** The global settings, before any policy. */
    private MessageSettings defaultSettings() throws ConfigException {
        try {
            return new MessageSettings(mode, missingCert, Policies.bool(text("encrypt.to.sender")),
                    cipher, KeyTransport.parse(text("key.transport")), digest,
                    Policies.opaque(text("signature")), Policies.bool(text("control.header")),
                    "default");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("key.transport, signature, encrypt.to.sender or"
                    + " control.header: " + e.getMessage());
        }
    }

    /** Per-sender and per-recipient rules over the global settings. */
    public Policies policies() {
        return policies;
    }

    public boolean encryptToSender() {
        return Boolean.parseBoolean(text("encrypt.to.sender"));
    }

    /** Who signs; {@code openssl} without a usable libcrypto is refused here, at start-up. */
    public CryptoEngine cryptoEngine() {
        return cryptoEngine;
    }

    private CryptoEngine parseCryptoEngine() throws ConfigException {
        CryptoEngine engine;
        try {
            engine = CryptoEngine.parse(text("crypto.engine"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("crypto.engine: " + e.getMessage());
        }
        if (engine == CryptoEngine.OPENSSL && engine.problem() != null) {
            throw new ConfigException("crypto.engine = openssl: " + engine.problem()
                    + " (install it, or use auto or jdk)");
        }
        return engine;
    }

    public ContentCipher cipher() {
        return cipher;
    }

    private ContentCipher parseCipher() throws ConfigException {
        try {
            return ContentCipher.parse(text("cipher"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("cipher: " + e.getMessage());
        }
    }

    public DigestAlgorithm digest() {
        return digest;
    }

    private DigestAlgorithm parseDigest() throws ConfigException {
        try {
            return DigestAlgorithm.parse(text("digest"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("digest: " + e.getMessage());
        }
    }

    /**
     * Worker threads; 0 in the file means eight per CPU, because a worker spends most of its
     * time waiting for fsync or the MTA, and overlapping those waits is what batches them (on
     * 2 cores, 16 workers kept both busy where 8 left them idle about a tenth of the time).
     */
    public int workers() {
        int n = Integer.parseInt(text("workers"));
        return n > 0 ? n : 8 * Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public int rescanSeconds() {
        return Integer.parseInt(text("rescan.seconds"));
    }

    public int maxMessageBytes() {
        return Integer.parseInt(text("max.message.bytes"));
    }

    public Set<PosixFilePermission> keysAllowedMode() {
        return keysAllowedMode;
    }

    public Set<PosixFilePermission> outputMode() {
        return outputMode;
    }

    /** The group pickup files get; empty: the daemon's own. */
    public String outputGroup() {
        return text("output.group");
    }

    public long retryFirstMillis() {
        return Long.parseLong(text("retry.first.seconds")) * 1000;
    }

    public long retryMaxMillis() {
        return Long.parseLong(text("retry.max.seconds")) * 1000;
    }

    public long retryGiveUpMillis() {
        return Long.parseLong(text("retry.giveup.hours")) * 3_600_000;
    }

    public long shutdownGraceMillis() {
        return Long.parseLong(text("shutdown.grace.seconds")) * 1000;
    }

    /** Days a file stays in done/ before the daily clean-up removes it; 0 keeps it forever. */
    public int doneRetentionDays() {
        return Integer.parseInt(text("done.retention.days"));
    }

    /** How many days ahead an expiring certificate is reported; 0 reports expired ones only. */
    public int certsWarnDays() {
        return Integer.parseInt(text("certs.warn.days"));
    }

    /** Where the Prometheus text file goes; null when metrics are off. */
    public Path metricsFile() {
        return text("metrics.file").isEmpty() ? null : path("metrics.file");
    }

    /** The lowest level logged: trace, debug, info, warn or error. */
    public String logLevel() {
        return logLevel;
    }

    private String parseLogLevel() throws ConfigException {
        String level = text("log.level").toLowerCase(Locale.ROOT);
        if (!List.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw new ConfigException("log.level = " + level + ": use trace, debug, info, warn"
                    + " or error");
        }
        return level;
    }

    /** The effective configuration, one "key = value" per line, for check-config and logs. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue();
            out.append(e.getKey()).append(" = ")
                    .append(e.getKey().equals("smtp.password") && !v.isEmpty() ? "****" : v);
            if (e.getKey().equals("workers") && Integer.parseInt(v.strip()) == 0) {
                // 0 means "from the CPU count": say what that comes to on this machine
                out.append("  # ").append(workers()).append(" on this machine");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private String text(String key) {
        String v = values.get(key);
        return v == null ? "" : v;
    }

    private Path path(String key) {
        Path p = Path.of(text(key));
        return p.isAbsolute() ? p : file.getParent().resolve(p).normalize();
    }

    private Set<PosixFilePermission> octal(String key) throws ConfigException {
        try {
            return KeyMode.parse(text(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = " + text(key) + ": expected an octal mode"
                    + " such as 0600");
        }
    }

    private void integer(String key, long min, long max) throws ConfigException {
        try {
            long v = Long.parseLong(text(key));
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " = " + text(key) + ": expected a whole number from "
                    + min + " to " + max);
        }
    }

    private void bool(String key) throws ConfigException {
        String v = text(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(key + " = " + v + ": expected true or false");
        }
    }
}
