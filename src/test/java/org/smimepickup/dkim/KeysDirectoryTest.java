package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void everyUsableKeyIsFoundInSigningOrderAndEveryOtherFileIsReported() throws Exception {
        RsaKey key = DkimKeyFile.generate(2048, false);
        for (String name : new String[] {"s1.example.com.pem", "s1._wildcard.pem",
            "s2.mail.example.com.pem", "s1.example.org.pem", "open.example.net.pem"}) {
            DkimKeyFile.write(dir.resolve(name), key, KeyFormat.PKCS1, false);
        }
        Files.setPosixFilePermissions(dir.resolve("open.example.net.pem"),
                PosixFilePermissions.fromString("rw-r--r--"));
        Outside.opensslKey(dir, "ec.example.com.pem", "openssl", "genpkey", "-algorithm", "EC",
                "-pkeyopt", "ec_paramgen_curve:P-256");
        Files.writeString(dir.resolve("notes.pem"), "no key here");
        Files.writeString(dir.resolve("s1.example.com.txt"), "a record, not a key");

        KeysDirectory.Scan scan = new KeysDirectory(dir).scan(false);

        assertThat(scan.keys()).extracting(k -> k.selector() + "." + k.domain())
                .containsExactly("s2.mail.example.com", "s1.example.com", "s1.example.org",
                        "s1.*");
        assertThat(scan.problems()).hasSize(2);
        assertThat(scan.problems().get(0)).contains("ec.example.com.pem", "not an RSA key");
        assertThat(scan.problems().get(1)).contains("open.example.net.pem",
                "chmod 0600 " + dir.resolve("open.example.net.pem"));
        assertThat(scan.warnings()).containsExactly("skipped " + dir.resolve("notes.pem")
                + ": not named SELECTOR.DOMAIN.pem");
    }

    @Test
    void legacyKeysAreProblemsUnlessAllowedAndThenWarnings() throws Exception {
        Outside.opensslKey(dir, "old.example.com.pem", "openssl", "genrsa", "1024");

        assertThat(new KeysDirectory(dir).scan(false).problems()).singleElement()
                .asString().contains("too small: 1024 bits");
        KeysDirectory.Scan allowed = new KeysDirectory(dir).scan(true);
        assertThat(allowed.keys()).hasSize(1);
        assertThat(allowed.warnings()).singleElement().asString()
                .contains("warning: 1024-bit RSA key");
    }

    @Test
    void aMissingFolderSaysWhichOptionNamedIt() {
        assertThatThrownBy(() -> new KeysDirectory(dir.resolve("absent")).scan(false))
                .hasMessageContaining("--keys-dir");
    }
}
