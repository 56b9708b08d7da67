package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.smimepickup.certs.CertificateStore;
import org.smimepickup.certs.SigningKeys;
import org.smimepickup.certs.TrustAnchors;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.deliver.Delivery;
import org.smimepickup.deliver.PickupWriter;
import org.smimepickup.deliver.SmtpSettings;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.failure.ProcessingFailure;
import org.smimepickup.service.Pipeline;

/**
 * {@code send FILE... [--sign] [--encrypt] [--to smtp|pickup|stdout | --smtp | --pickup DIR |
 * --stdout] [--config FILE]}: secures and delivers files at once, without the spool, like the
 * older one-shot tool. Exit status 0 only when every file reached every recipient.
 */
final class SendCommand {
    private boolean sign;
    private boolean encrypt;
    private String to;
    private String pickupDir;
    private final List<String> rest = new ArrayList<>();

    private SendCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        SendCommand send = new SendCommand();
        try {
            Options options = send.parse(args);
            if (options.arguments().isEmpty()) {
                throw new Options.UsageException("send needs message files");
            }
            return send.send(options, out, err);
        } catch (Options.UsageException e) {
            err.println(e.getMessage());
            err.println("usage: smime-pickup send FILE... [--sign] [--encrypt]"
                    + " [--to smtp|pickup|stdout | --pickup DIR] [--config FILE]");
            return Main.USAGE;
        }
    }

    private Options parse(List<String> args) throws Options.UsageException {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--sign" -> sign = true;
                case "--encrypt" -> encrypt = true;
                case "--smtp", "--stdout" -> to = arg.substring(2);
                case "--to", "--pickup" -> {
                    if (i + 1 >= args.size()) {
                        throw new Options.UsageException(arg + " needs a value");
                    }
                    String value = args.get(++i);
                    to = arg.equals("--to") ? value.toLowerCase(Locale.ROOT) : "pickup";
                    pickupDir = arg.equals("--pickup") ? value : pickupDir;
                }
                default -> rest.add(arg);
            }
        }
        if (to != null && !List.of("smtp", "pickup", "stdout").contains(to)) {
            throw new Options.UsageException("--to " + to + ": use smtp, pickup or stdout");
        }
        return Options.parse(rest);
    }

    private int send(Options options, PrintStream out, PrintStream err) {
        // with --stdout the message itself goes to standard output, so the report does not
        PrintStream report = "stdout".equals(to) ? err : out;
        try (Pipeline pipeline = pipeline(configure(Config.load(options.config())), out,
                report)) {
            long started = System.nanoTime();
            int failed = 0;
            for (String file : options.arguments()) {
                failed += sendOne(pipeline, Path.of(file), report) ? 0 : 1;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            report.printf(Locale.ROOT, "%s - in %.3f seconds%n", failed == 0 ? "OK"
                    : failed + " of " + options.arguments().size() + " FAILED", seconds);
            return failed == 0 ? Main.OK : Main.SOME_FAILED;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        }
    }

    private Config configure(Config config) throws ConfigException {
        if (sign || encrypt) {
            config = config.with("mode", sign && encrypt ? "sign+encrypt" : sign ? "sign"
                    : "encrypt");
        }
        if ("smtp".equals(to) || "pickup".equals(to)) {
            config = config.with("delivery", to);
        }
        if (pickupDir != null) {
            config = config.with("pickup.dir", Path.of(pickupDir).toAbsolutePath().toString());
        }
        return config;
    }

    private Pipeline pipeline(Config config, PrintStream out, PrintStream report)
            throws ConfigException {
        TrustAnchors trust;
        try {
            trust = TrustAnchors.load(config.trustDir());
        } catch (PermanentFailure e) {
            throw new ConfigException(e.getMessage());
        }
        SigningKeys keys = new SigningKeys(config.keysDir(), config.keysAllowedMode(), trust);
        CertificateStore certs = new CertificateStore(config.certsDir(), trust);
        if ("stdout".equals(to)) {
            report.println("mode " + config.mode() + ", to standard output");
            return new Pipeline(config, keys, certs, standardOutput(out));
        }
        report.println("mode " + config.mode() + ", " + connectionLine(config));
        return new Pipeline(config, keys, certs, pickup(config));
    }

    private static String connectionLine(Config config) {
        SmtpSettings smtp = config.smtp();
        return smtp == null ? "pickup " + config.pickupDir() : smtp.describe();
    }

    private static PickupWriter pickup(Config config) throws ConfigException {
        PickupWriter pickup = new PickupWriter(config.pickupDir(), config.pickupStagingDir(),
                config.outputMode(), config.outputGroup());
        if (config.smtp() == null) {
            String problem = pickup.check();
            if (problem != null) {
                throw new ConfigException(problem);
            }
        }
        return pickup;
    }

    /** The secured message as it would go on the wire, without envelope lines. */
    private static Delivery standardOutput(PrintStream out) {
        return (envelope, header, entity, id) -> {
            synchronized (out) {
                out.write(header, 0, header.length);
                try {
                    entity.writeTo(out);
                } catch (java.io.IOException e) {
                    throw new org.smimepickup.failure.TemporaryFailure(
                            "cannot write to standard output: " + e.getMessage(), e);
                }
                out.flush();
            }
            return "stdout";
        };
    }

    /** Sends one file and prints its line; false when it did not reach every recipient. */
    private static boolean sendOne(Pipeline pipeline, Path file, PrintStream report) {
        String id = "send-" + Long.toString(System.nanoTime(), 36);
        try {
            Pipeline.Delivered done = pipeline.process(Files.readAllBytes(file), id);
            report.println(file + ": from <" + done.envelope().sender() + "> to "
                    + String.join(", ", done.envelope().recipients()) + ": " + done.action()
                    + ", " + done.where());
            return true;
        } catch (IOException e) {
            report.println(file + ": cannot read it: " + e.getMessage());
        } catch (ProcessingFailure e) {
            report.println(file + ": " + (e instanceof PermanentFailure ? "FAILED" : "NOT SENT,"
                    + " try again later") + ": " + e.getMessage());
        }
        return false;
    }
}
