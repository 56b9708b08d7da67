package org.smimepickup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static final Path REFERENCE =
            Path.of(System.getProperty("project.root", "."), "conf", "smime-pickup.conf");

    @TempDir
    Path dir;

    @Test
    void referenceConfigDocumentsEveryKeyWithItsDefault() throws IOException {
        String text = Files.readString(REFERENCE);
        for (var entry : Config.DEFAULTS.entrySet()) {
            Matcher line = Pattern.compile("(?m)^" + Pattern.quote(entry.getKey())
                    + "[ \\t]*=[ \\t]*(.*)$").matcher(text);
            assertThat(line.find()).as("key %s documented", entry.getKey()).isTrue();
            String documented = line.group(1).strip();
            String expected = entry.getValue() == null ? "" : entry.getValue();
            assertThat(documented).as("default of %s", entry.getKey()).isEqualTo(expected);
        }
    }

    @Test
    void referenceConfigLoads() throws ConfigException {
        Config config = Config.load(REFERENCE);

        assertThat(config.mode()).isEqualTo(Mode.SIGN_ENCRYPT);
        assertThat(config.missingCertPolicy()).hasToString("fail");
        assertThat(config.trustDir()).isNull();
    }

    @Test
    void describeSaysWhatWorkersZeroComesTo() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();

        assertThat(Config.load(write("workers = 0\n")).describe())
                .contains("workers = 0  # " + 8 * cpus + " on this machine\n");
        assertThat(Config.load(write("workers = 5\n")).describe())
                .contains("workers = 5\n").doesNotContain("on this machine");
    }

    @Test
    void unknownKeyIsRefusedWithItsLineNumber() throws IOException {
        Path file = write("spool.dir = /tmp/x\nspool.dri = /tmp/y\n");

        assertThatThrownBy(() -> Config.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2").hasMessageContaining("spool.dri");
    }

    @Test
    void badModeSaysWhatIsAllowed() throws IOException {
        Path file = write("mode = sign-and-encrypt\n");

        assertThatThrownBy(() -> Config.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sign, encrypt, sign+encrypt or none");
    }

    @Test
    void relativePathsAreTakenFromTheConfigFolder() throws Exception {
        Path file = write("spool.dir = spool\npickup.dir = out/pickup\n");

        Config config = Config.load(file);

        assertThat(config.spoolDir()).isEqualTo(dir.resolve("spool"));
        assertThat(config.pickupStagingDir()).isEqualTo(dir.resolve("out/.pickup.staging"));
    }

    @Test
    void commentAfterAValueIsNotPartOfIt() throws Exception {
        Path file = write("mode = sign   # signatures only\nrescan.seconds = 7\t# faster\n"
                + "spool.dir = spool#1 # a hash inside a value stays\n");

        Config config = Config.load(file);

        assertThat(config.mode()).isEqualTo(Mode.SIGN);
        assertThat(config.rescanSeconds()).isEqualTo(7);
        assertThat(config.spoolDir()).isEqualTo(dir.resolve("spool#1"));
    }

    @Test
    void smtpPasswordIsTakenWholeEvenWithABlankAndAHash() throws Exception {
        Path file = write("delivery = smtp\nsmtp.host = 127.0.0.1  # the local MTA\n"
                + "smtp.tls = starttls\nsmtp.user = relay\nsmtp.password = pa ss #1\n");

        Config config = Config.load(file, java.util.Map.of());

        assertThat(config.smtp().host()).isEqualTo("127.0.0.1");
        assertThat(config.smtp().password()).isEqualTo("pa ss #1");
    }

    @Test
    void aFolderKeyLeftEmptyOrWithOnlyACommentIsRefusedNotTakenAsThisFilesFolder()
            throws IOException {
        for (String key : List.of("spool.dir", "keys.dir", "certs.dir", "pickup.dir")) {
            Path file = write(key + " =     # default\n");

            assertThatThrownBy(() -> Config.load(file)).as(key)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(key + " is empty")
                    .hasMessageContaining("remove the line");
        }
    }

    @Test
    void anSmtpPasswordThatIsOnlyACommentIsNoPassword() throws IOException {
        Path file = write("delivery = smtp\nsmtp.host = 127.0.0.1\nsmtp.user = relay\n"
                + "smtp.password = # set in SMTP_PASSWORD\n");

        assertThatThrownBy(() -> Config.load(file, java.util.Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp.user is set but no password");
    }

    @Test
    void badValueIsShownWithoutItsComment() throws IOException {
        Path file = write("rescan.seconds = often  # every few seconds\n");

        assertThatThrownBy(() -> Config.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rescan.seconds = often: expected a whole number")
                .hasMessageNotContaining("every few seconds");
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("test.conf");
        Files.writeString(file, text);
        return file;
    }
}
