package org.smimepickup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.certs.DemoPki;

class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsKeysAndCertificatesWithTheChecksThatFail() throws Exception {
        DemoPki ca = new DemoPki("Certs Command CA");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path certs = Files.createDirectories(dir.resolve("certs"));
        DemoPki.Issued signer = ca.issue("alerts@sender.example", 30);
        DemoPki.writePem(keys.resolve("alerts@sender.example.pem"), true,
                signer.keys().getPrivate());
        DemoPki.writePem(keys.resolve("alerts@sender.example.crt"), false, signer.certificate());
        DemoPki.writePem(certs.resolve("ana@rcpt.example.crt"), false,
                ca.issue("ana@rcpt.example", 30).certificate());
        DemoPki.writePem(certs.resolve("ben@rcpt.example.crt"), false,
                ca.issue("someone-else@rcpt.example", 30).certificate());
        Path config = dir.resolve("c.conf");
        Files.writeString(config, "spool.dir = " + dir.resolve("spool") + "\nkeys.dir = " + keys
                + "\ncerts.dir = " + certs + "\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"certs", "--json", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(Main.SOME_FAILED);
        assertThat(json).contains("\"role\":\"signing\"").contains("alerts@sender.example")
                .contains("ana@rcpt.example.crt").contains("not for ben@rcpt.example")
                .contains("CN=Certs Command CA");
        assertThat(json.split("\"problems\":\\[\\]", -1)).hasSize(3);
    }
}
