package org.smimepickup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smimepickup.dkim.Outside;

class DkimCommandTest {
    private static final Pattern WEB_FORM_P = Pattern.compile("\nValue: v=DKIM1; k=rsa; p=(\\S+)");

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    @Test
    void generateWritesThePrivateKeyRecordAndIncludeButPrintsOnlyPublicParts() throws Exception {
        Path out = dir.resolve("dkim");

        Result result = dkim("--domain", "Example.COM", "--selector", "s2026", "--generate",
                "--out", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path key = out.resolve("s2026.example.com.pem");
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(webFormP(result.out())).isEqualTo(Outside.opensslPublicKey(key));
        assertThat(result.out() + result.err()).doesNotContain("PRIVATE KEY");
        assertThat(result.out()).contains("domain-key s2026,example.com," + key.toAbsolutePath());
        assertThat(Files.readString(out.resolve("s2026.example.com.txt")))
                .startsWith("s2026._domainkey.example.com. IN TXT ( \"v=DKIM1; k=rsa; p=");
        assertThat(Files.readString(out.resolve("pmta-dkim.conf")))
                .contains("domain-key s2026,example.com," + key.toAbsolutePath() + "\n");
        assertThat(result.err()).contains("include " + out.resolve("pmta-dkim.conf")
                .toAbsolutePath());
    }

    @Test
    void anExistingKeyIsKeptWithoutForceAndReplacedWithIt() throws Exception {
        String[] generate = {"--domain", "example.com", "--selector", "s1", "--generate",
            "--out", dir.toString()};
        assertThat(dkim(generate).exitCode()).isZero();
        Path key = dir.resolve("s1.example.com.pem");
        byte[] first = Files.readAllBytes(key);

        Result refused = dkim(generate);
        assertThat(refused.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(refused.err()).contains("key file exists: " + key, "--force");
        assertThat(refused.out()).isEmpty();
        assertThat(Files.readAllBytes(key)).isEqualTo(first);

        Result forced = dkim(append(generate, "--force"));
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(forced.err()).contains("replaced key " + key);
        assertThat(Files.readAllBytes(key)).isNotEqualTo(first);
        assertThat(mode(key)).isEqualTo("rw-------");
        assertThat(webFormP(forced.out())).isEqualTo(Outside.opensslPublicKey(key));
    }

    @Test
    void anExistingKeyIsCopiedIntoOutAsPkcs8OnRequest() throws Exception {
        Path mine = Outside.opensslKey(dir, "mine.pem", "openssl", "genrsa", "-traditional",
                "2048");
        Path out = dir.resolve("out");

        Result result = dkim("--domain", "example.org", "--selector", "s1", "--key",
                mine.toString(), "--out", out.toString(), "--pkcs8");

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path copy = out.resolve("s1.example.org.pem");
        assertThat(Files.readString(copy)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Outside.opensslPublicKey(copy)).isEqualTo(Outside.opensslPublicKey(mine));
        assertThat(webFormP(result.out())).isEqualTo(Outside.opensslPublicKey(mine));
    }

    @Test
    void anExistingKeyWithoutOutIsNamedByItsOwnPath() throws Exception {
        Path mine = Outside.opensslKey(dir, "mine.pem", "openssl", "genpkey", "-algorithm",
                "RSA");

        Result result = dkim("--domain", "example.org", "--selector", "s1", "--key",
                mine.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("domain-key s1,example.org," + mine.toAbsolutePath(),
                "    key = \"" + mine.toAbsolutePath() + "\"");
        assertThat(dir.toFile().list()).containsExactly("mine.pem");
    }

    @Test
    void aGroupReadableKeyIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path mine = Outside.opensslKey(dir, "mine.pem", "openssl", "genpkey", "-algorithm",
                "RSA");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rw-r--r--"));

        Result result = dkim("--domain", "example.org", "--selector", "s1", "--key",
                mine.toString());

        assertThat(result.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(result.err()).contains("chmod 0600 " + mine);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void nonRsaAndMissingKeysAreRefused() throws Exception {
        Path ed = Outside.opensslKey(dir, "ed.pem", "openssl", "genpkey", "-algorithm",
                "ED25519");

        Result ed25519 = dkim("--domain", "example.org", "--selector", "s1", "--key",
                ed.toString());
        Result missing = dkim("--domain", "example.org", "--selector", "s1", "--key",
                dir.resolve("absent.pem").toString());

        assertThat(ed25519.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(ed25519.err()).contains("not an RSA key", "Ed25519");
        assertThat(missing.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(missing.err()).contains("key file not found");
    }

    @Test
    void a1024BitKeyNeedsTheExplicitFlagAndThenWarns() throws Exception {
        Path old = Outside.opensslKey(dir, "old.pem", "openssl", "genrsa", "1024");
        String[] args = {"--domain", "example.org", "--selector", "s1", "--key", old.toString()};

        Result refused = dkim(args);
        Result allowed = dkim(append(args, "--allow-1024"));
        Result generated = dkim("--domain", "example.org", "--selector", "s1", "--generate",
                "--bits", "1024", "--out", dir.resolve("out").toString());

        assertThat(refused.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(refused.err()).contains("too small: 1024 bits", "--allow-1024");
        assertThat(allowed.exitCode()).isZero();
        assertThat(allowed.err()).contains("warning: 1024-bit RSA key");
        assertThat(generated.exitCode()).isEqualTo(Main.CONFIG);
        assertThat(Files.exists(dir.resolve("out/s1.example.org.pem"))).isFalse();
    }

    @Test
    void badNamesAndMisusedOptionsAreUsageErrors() throws Exception {
        List<String[]> wrong = List.of(
                new String[] {"--domain", "example.com", "--selector", "s_1", "--generate",
                    "--out", dir.toString()},
                new String[] {"--domain", "example", "--selector", "s1", "--generate",
                    "--out", dir.toString()},
                new String[] {"--domain", "example.com", "--selector", "s1", "--generate"},
                new String[] {"--domain", "example.com", "--selector", "s1"},
                new String[] {"--domain", "example.com", "--selector", "s1", "--key", "k.pem",
                    "--bits", "4096"},
                new String[] {"--all"},
                new String[] {"--all", "--keys-dir", dir.toString(), "--generate"},
                new String[] {"--domain", "example.com", "--selector", "s1", "--colour"});

        for (String[] args : wrong) {
            Result result = dkim(args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(Main.USAGE);
            assertThat(result.err()).startsWith("dkim: ").contains("usage: smime-pickup dkim");
        }
        assertThat(dkim("--domain", "example.com", "--selector", "s_1", "--generate", "--out",
                dir.toString()).err()).contains("invalid selector: 's_1'");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void allPrintsEveryKeyOfTheFolderWithSpecificDomainsBeforeTheWildcard() throws Exception {
        Path keys = dir.resolve("keys");
        for (String[] names : new String[][] {{"*", "s1"}, {"example.com", "s1"},
            {"mail.example.com", "s2"}}) {
            Result made = dkim("--domain", names[0], "--selector", names[1], "--generate",
                    "--out", keys.toString());
            assertThat(made.exitCode()).as(made.err()).isZero();
        }
        Path out = dir.resolve("out");

        Result all = dkim("--all", "--keys-dir", keys.toString(), "--out", out.toString());

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(domainKeyLines(all.out())).containsExactly("s2,mail.example.com",
                "s1,example.com", "s1,*");
        assertThat(domainKeyLines(Files.readString(out.resolve("pmta-dkim.conf"))))
                .containsExactly("s2,mail.example.com", "s1,example.com", "s1,*");
        assertThat(domainKeyLines(Files.readString(keys.resolve("pmta-dkim.conf"))))
                .containsExactly("s2,mail.example.com", "s1,example.com", "s1,*");
        assertThat(out.resolve("s2.mail.example.com.txt")).exists();
        assertThat(all.out()).contains("dkim_domain \"mail.example.com\"");
    }

    @Test
    void allReportsAnUnusableKeyAndStillPrintsTheOthers() throws Exception {
        assertThat(dkim("--domain", "example.com", "--selector", "s1", "--generate", "--out",
                dir.toString()).exitCode()).isZero();
        Outside.opensslKey(dir, "s1.example.net.pem", "openssl", "genpkey", "-algorithm",
                "RSA");
        Files.setPosixFilePermissions(dir.resolve("s1.example.net.pem"),
                PosixFilePermissions.fromString("rw-rw-r--"));

        Result all = dkim("--all", "--keys-dir", dir.toString());

        assertThat(all.exitCode()).isEqualTo(Main.SOME_FAILED);
        assertThat(domainKeyLines(all.out())).containsExactly("s1,example.com");
        assertThat(all.err()).contains("chmod 0600 " + dir.resolve("s1.example.net.pem"));
    }

    @Test
    void theInstalledEntryPointRunsTheCommand() throws Exception {
        Outside.Run run = Outside.run(dir, Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"),
                "org.smimepickup.cli.Main", "dkim", "--domain", "example.com", "--selector", "s1",
                "--generate", "--out", dir.resolve("out").toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.text()).contains("=== PowerMTA");
        assertThat(dir.resolve("out/s1.example.com.pem")).exists();
    }

    private static Result dkim(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "dkim";
        System.arraycopy(args, 0, command, 1, args.length);
        int code = Main.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private static String[] append(String[] args, String extra) {
        String[] longer = Arrays.copyOf(args, args.length + 1);
        longer[args.length] = extra;
        return longer;
    }

    private static String webFormP(String output) {
        Matcher matcher = WEB_FORM_P.matcher(output);
        assertThat(matcher.find()).as("web form value in:\n%s", output).isTrue();
        return matcher.group(1);
    }

    private static List<String> domainKeyLines(String text) {
        return text.lines().filter(line -> line.startsWith("domain-key "))
                .map(line -> line.substring("domain-key ".length(), line.lastIndexOf(',')))
                .toList();
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
