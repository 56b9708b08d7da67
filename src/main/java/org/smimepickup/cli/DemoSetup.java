package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import org.smimepickup.certs.DemoPki;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;

/**
 * {@code demo-setup}: creates DEMO keys and certificates for the fixture addresses, so that
 * {@code make run} shows the main job at once. Does nothing when the signing key exists.
 */
final class DemoSetup {
    static final String SENDER = "alerts@sender.example";
    static final List<String> RECIPIENTS = List.of("ana@rcpt.example", "ben@rcpt.example",
            "dev@rcpt.example", "cleo@other.example");

    private DemoSetup() {
    }

    static int run(Options options, PrintStream out, PrintStream err) {
        try {
            Config config = Config.load(options.config());
            Path keys = config.keysDir();
            if (Files.exists(keys.resolve(SENDER + ".pem"))) {
                out.println("demo keys already in " + keys);
                return Main.OK;
            }
            Path pki = config.spoolDir().getParent().resolve("demo-pki");
            for (Path dir : List.of(keys, config.certsDir(), pki, config.pickupDir())) {
                Files.createDirectories(dir);
            }
            DemoPki ca = new DemoPki("smime-pickup DEMO CA - not for real mail");
            DemoPki.writePem(pki.resolve("demo-ca.crt"), false, ca.caCertificate());
            if (config.trustDir() != null) {
                Files.createDirectories(config.trustDir());
                DemoPki.writePem(config.trustDir().resolve("demo-ca.crt"), false,
                        ca.caCertificate());
            }
            writeIdentity(ca.issue(SENDER, 365), keys, config.certsDir(), pki);
            for (String recipient : RECIPIENTS) {
                writeIdentity(ca.issue(recipient, 365), null, config.certsDir(), pki);
            }
            out.println("DEMO keys and certificates written: signing key in " + keys
                    + ", recipient certificates in " + config.certsDir()
                    + ", recipients' private keys (to decrypt demo output) in " + pki);
            return Main.OK;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        } catch (IOException | GeneralSecurityException e) {
            err.println("demo-setup failed: " + e.getMessage());
            return Main.CONFIG;
        }
    }

    private static void writeIdentity(DemoPki.Issued issued, Path keys, Path certs, Path pki)
            throws IOException {
        String address = issued.address();
        DemoPki.writePem(certs.resolve(address + ".crt"), false, issued.certificate());
        DemoPki.writePem(pki.resolve(address + ".key"), true, issued.keys().getPrivate());
        DemoPki.writePem(pki.resolve(address + ".crt"), false, issued.certificate());
        if (keys != null) {
            DemoPki.writePem(keys.resolve(address + ".pem"), true, issued.keys().getPrivate());
            DemoPki.writePem(keys.resolve(address + ".crt"), false, issued.certificate());
        }
    }
}
