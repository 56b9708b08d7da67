package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void publicKeyOfAnOpensslPkcs8KeyIsWhatOpensslPrints() throws Exception {
        Path file = Outside.opensslKey(dir, "pkcs8.pem", "openssl", "genpkey", "-algorithm",
                "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");

        RsaKey key = DkimKeyFile.read(file);

        assertThat(base64(key.publicKeyInfo())).isEqualTo(Outside.opensslPublicKey(file));
        assertThat(key.bits()).isEqualTo(2048);
    }

    @Test
    void publicKeyOfAnOpensslPkcs1KeyIsWhatOpensslPrints() throws Exception {
        Path file = Outside.opensslKey(dir, "pkcs1.pem", "openssl", "genrsa", "-traditional",
                "3072");
        assertThat(Files.readString(file)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        RsaKey key = DkimKeyFile.read(file);

        assertThat(base64(key.publicKeyInfo())).isEqualTo(Outside.opensslPublicKey(file));
        assertThat(key.bits()).isEqualTo(3072);
    }

    @Test
    void writtenKeysAreOwnerOnlyPemThatOpensslReadsBackInBothFormats() throws Exception {
        RsaKey key = DkimKeyFile.generate(2048, false);
        Path pkcs1 = dir.resolve("s1.example.com.pem");
        Path pkcs8 = dir.resolve("s1.example.org.pem");

        DkimKeyFile.write(pkcs1, key, KeyFormat.PKCS1, false);
        DkimKeyFile.write(pkcs8, key, KeyFormat.PKCS8, false);

        assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----\n");
        assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        for (Path file : new Path[] {pkcs1, pkcs8}) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(Outside.opensslPublicKey(file)).isEqualTo(base64(key.publicKeyInfo()));
        }
        assertThat(dir.toFile().list()).containsExactlyInAnyOrder("s1.example.com.pem",
                "s1.example.org.pem");
    }

    @Test
    void anExistingKeyIsReplacedOnlyWithForce() throws Exception {
        Path file = dir.resolve("s1.example.com.pem");
        RsaKey first = DkimKeyFile.generate(2048, false);
        RsaKey second = DkimKeyFile.generate(2048, false);
        assertThat(DkimKeyFile.write(file, first, KeyFormat.PKCS1, false))
                .isEqualTo(DkimKeyFile.Written.CREATED);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> DkimKeyFile.write(file, second, KeyFormat.PKCS1, false))
                .hasMessageStartingWith("key file exists: " + file)
                .hasMessageContaining("--force");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);

        assertThat(DkimKeyFile.write(file, second, KeyFormat.PKCS1, true))
                .isEqualTo(DkimKeyFile.Written.REPLACED);
        assertThat(DkimKeyFile.read(file).samePairAs(second)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void writingTheKeyAFileAlreadyHoldsLeavesTheFileAlone() throws Exception {
        Path file = Outside.opensslKey(dir, "s1.example.com.pem", "openssl", "genpkey",
                "-algorithm", "RSA");
        byte[] before = Files.readAllBytes(file);

        DkimKeyFile.Written written =
                DkimKeyFile.write(file, DkimKeyFile.read(file), KeyFormat.PKCS1, false);

        assertThat(written).isEqualTo(DkimKeyFile.Written.UNCHANGED);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aKeyFileReadableByGroupIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path file = Outside.opensslKey(dir, "open.pem", "openssl", "genpkey", "-algorithm",
                "RSA");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> DkimKeyFile.read(file))
                .hasMessageContaining("open to group or others (mode 0640)")
                .hasMessageEndingWith("chmod 0600 " + file);
    }

    @Test
    void aKeyFileWritableByOthersIsRefusedToo() throws Exception {
        Path file = Outside.opensslKey(dir, "open.pem", "openssl", "genpkey", "-algorithm",
                "RSA");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r------w-"));

        assertThatThrownBy(() -> DkimKeyFile.read(file))
                .hasMessageEndingWith("chmod 0400 " + file);
    }

    @Test
    void aMissingKeyFileSaysHowToMakeOne() {
        Path file = dir.resolve("absent.pem");

        assertThatThrownBy(() -> DkimKeyFile.read(file))
                .hasMessage("key file not found: " + file + "; check the path, or make a new"
                        + " key with --generate --out DIR");
    }

    @Test
    void aDirectoryGivenAsKeyIsRefused() {
        assertThatThrownBy(() -> DkimKeyFile.read(dir))
                .hasMessageStartingWith("key file is a directory: " + dir);
    }

    @Test
    void permissionDeniedSaysWhoseFileItIs() {
        // Tests may run as root, whom no mode stops: check the wording of the mapping itself
        Path file = dir.resolve("k.pem");

        DkimException e = DkimKeyFile.cannotRead(file, new AccessDeniedException(file.toString()));

        assertThat(e).hasMessageContaining("permission denied")
                .hasMessageContaining("ls -l " + file);
    }

    @Test
    void aFileWithoutAKeyIsRefused() throws Exception {
        Path file = dir.resolve("empty.pem");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "not a key\n");

        assertThatThrownBy(() -> DkimKeyFile.read(file))
                .hasMessageStartingWith("no private key in " + file);
    }

    @Test
    void ecAndEd25519KeysAreRefusedAsNotRsa() throws Exception {
        Path ec = Outside.opensslKey(dir, "ec.pem", "openssl", "genpkey", "-algorithm", "EC",
                "-pkeyopt", "ec_paramgen_curve:P-256");
        Path ed = Outside.opensslKey(dir, "ed.pem", "openssl", "genpkey", "-algorithm",
                "ED25519");
        Path ecTraditional = dir.resolve("ec-traditional.pem");
        Outside.ok(dir, "openssl", "ec", "-in", ec.toString(), "-out", ecTraditional.toString());
        Files.setPosixFilePermissions(ecTraditional, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> DkimKeyFile.read(ec))
                .hasMessageStartingWith("not an RSA key: " + ec + " holds EC");
        assertThatThrownBy(() -> DkimKeyFile.read(ecTraditional))
                .hasMessageStartingWith("not an RSA key: " + ecTraditional + " holds EC");
        assertThatThrownBy(() -> DkimKeyFile.read(ed))
                .hasMessageStartingWith("not an RSA key: " + ed + " holds Ed25519")
                .hasMessageContaining("--generate");
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        Path file = Outside.opensslKey(dir, "enc.pem", "openssl", "genpkey", "-algorithm",
                "RSA", "-aes-256-cbc", "-pass", "pass:secret");

        assertThatThrownBy(() -> DkimKeyFile.read(file))
                .hasMessageContaining("is encrypted")
                .hasMessageContaining("openssl pkey -in " + file);
    }

    @Test
    void keysBelow2048BitsAreRefusedAnd1024OnlyPassesWithTheFlagAndAWarning() throws Exception {
        Path small = Outside.opensslKey(dir, "1024.pem", "openssl", "genrsa", "1024");
        Path tiny = Outside.opensslKey(dir, "768.pem", "openssl", "genrsa", "768");
        RsaKey legacy = DkimKeyFile.read(small);

        assertThatThrownBy(() -> legacy.checkStrength(false))
                .hasMessageStartingWith("RSA key too small: 1024 bits (at least 2048)")
                .hasMessageContaining("--allow-1024");
        assertThat(legacy.checkStrength(true)).startsWith("warning: 1024-bit RSA key");
        assertThatThrownBy(() -> DkimKeyFile.read(tiny).checkStrength(true))
                .hasMessageStartingWith("RSA key too small: 768 bits")
                .hasMessageNotContaining("--allow-1024");
        assertThat(DkimKeyFile.generate(2048, false).checkStrength(false)).isNull();
    }

    @Test
    void onlyTheOfferedSizesAreGenerated() {
        assertThatThrownBy(() -> DkimKeyFile.generate(1024, false))
                .hasMessageContaining("1024 only with --allow-1024");
        assertThatThrownBy(() -> DkimKeyFile.generate(2000, true))
                .hasMessage("unsupported key size: --bits 2000; use 2048, 3072 or 4096");
    }

    @Test
    void aKeyPrintsItsSizeButNoKeyMaterial() throws Exception {
        RsaKey key = DkimKeyFile.generate(2048, false);

        assertThat(key.toString()).isEqualTo("RsaKey[2048 bits]");
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
