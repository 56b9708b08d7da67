package org.smimepickup.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.certs.CertificateReport;
import org.smimepickup.certs.CertificateStore;
import org.smimepickup.certs.SigningKeys;
import org.smimepickup.certs.TrustAnchors;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.failure.PermanentFailure;

/**
 * {@code certs [--json]}: every signing key and recipient certificate with its addresses,
 * issuer, expiry and the checks it fails. Exit 0 when all pass, 2 when any fails.
 */
final class CertsCommand {
    private CertsCommand() {
    }

    static int certs(List<String> args, PrintStream out, PrintStream err)
            throws Options.UsageException {
        List<String> rest = new ArrayList<>(args);
        boolean json = rest.remove("--json");
        Options options = Options.parse(rest);
        if (!options.arguments().isEmpty()) {
            throw new Options.UsageException("certs takes no arguments besides --json");
        }
        List<CertificateReport> reports;
        try {
            reports = collect(Config.load(options.config()));
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        }
        out.print(json ? json(reports) : text(reports));
        return reports.stream().allMatch(r -> r.problems().isEmpty()) ? Main.OK
                : Main.SOME_FAILED;
    }

    private static List<CertificateReport> collect(Config config) throws ConfigException {
        TrustAnchors trust;
        try {
            trust = TrustAnchors.load(config.trustDir());
        } catch (PermanentFailure e) {
            throw new ConfigException(e.getMessage());
        }
        SigningKeys keys = new SigningKeys(config.keysDir(), config.keysAllowedMode(), trust);
        List<CertificateReport> reports = new ArrayList<>();
        for (String address : keys.addresses()) {
            reports.add(keys.report(address));
        }
        reports.addAll(new CertificateStore(config.certsDir(), trust).report());
        return reports;
    }

    private static String text(List<CertificateReport> reports) {
        StringBuilder out = new StringBuilder();
        for (CertificateReport r : reports) {
            out.append(String.format("%-9s %s%n          addresses %s; issuer %s; expires %s%n",
                    r.role(), r.file(), String.join(", ", r.addresses()), r.issuer(),
                    r.notAfter() == null ? "?" : r.notAfter()));
            out.append(r.problems().isEmpty() ? "          ok\n"
                    : "          FAILS: " + String.join("; ", r.problems()) + "\n");
        }
        return out.toString();
    }

    private static String json(List<CertificateReport> reports) {
        StringBuilder out = new StringBuilder("[");
        String comma = "";
        for (CertificateReport r : reports) {
            out.append(comma).append("{\"role\":").append(StatusCommand.quote(r.role()))
                    .append(",\"file\":").append(StatusCommand.quote(r.file().toString()))
                    .append(",\"addresses\":").append(array(r.addresses()))
                    .append(",\"issuer\":").append(StatusCommand.quote(r.issuer()))
                    .append(",\"not_after\":").append(r.notAfter() == null ? "null"
                            : StatusCommand.quote(r.notAfter().toString()))
                    .append(",\"problems\":").append(array(r.problems())).append('}');
            comma = ",";
        }
        return out.append("]\n").toString();
    }

    private static String array(List<String> items) {
        List<String> quoted = items.stream().map(StatusCommand::quote).toList();
        return "[" + String.join(",", quoted) + "]";
    }
}
