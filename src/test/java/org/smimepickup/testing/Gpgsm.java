package org.smimepickup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * GnuPG's gpgsm in a private home: a reader that hashes signed bytes exactly as they stand,
 * where openssl forgives line endings. The test CA is trusted through {@code trustlist.txt};
 * CRL checks are off; keys are imported as legacy-PBE PKCS#12, the only kind it reads.
 */
public final class Gpgsm implements AutoCloseable {
    private static final byte[] PASSPHRASE = "test\n".getBytes();

    private final Path home;

    public Gpgsm(Path home, TestPki pki) throws IOException {
        ExternalTool.require("gpgsm", "apt-get install gpgsm");
        ExternalTool.require("gpgconf", "apt-get install gpgconf");
        this.home = Files.createDirectories(home,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(home.resolve("gpgsm.conf"),
                "disable-crl-checks\ndisable-dirmngr\ndisable-policy-checks\n");
        Files.writeString(home.resolve("gpg-agent.conf"), "allow-loopback-pinentry\n");
        importOrFail(() -> List.of("--import", pki.caCertificate().toString()), null);
        Files.writeString(home.resolve("trustlist.txt"), fingerprint(pki.caCertificate())
                + " S relax\n");
        for (TestPki.Identity identity : pki.identities()) {
            // a fresh PKCS#12 file (a new random salt) for every attempt: gpgsm 2.2 was seen to
            // refuse a file openssl had made with the right passphrase ("possibly bad
            // passphrase given") and then the same file on every retry, so the fault went with
            // the file, not with the agent
            importOrFail(() -> List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0",
                    "--import", pki.pkcs12(identity, home, true).toString()), PASSPHRASE);
        }
    }

    /**
     * Imports, tried up to four times, each with a fresh gpg-agent and the arguments made anew:
     * on a loaded machine gpgsm may give up waiting for the agent it has just started.
     * Importing again is harmless.
     */
    private void importOrFail(java.util.function.Supplier<List<String>> args, byte[] stdin) {
        agent("--launch");
        ExternalTool.Result result = call(args.get(), stdin);
        for (int attempt = 1; attempt < 4 && !imported(result); attempt++) {
            System.err.println("gpgsm import attempt " + attempt + " failed, trying again: "
                    + result.lastWords());
            agent("--kill");
            agent("--launch");
            result = call(args.get(), stdin);
        }
        if (!result.ok() && imported(result)) {
            // gpgsm 2.2 can exit 2 after a complete import (a warning on a loaded machine);
            // the keybox has what the readers need, and every later decrypt or verify is
            // checked on its own
            System.err.println("gpgsm import succeeded with exit " + result.exit() + ": "
                    + result.stderr().strip());
            return;
        }
        if (!result.ok()) {
            throw new AssertionError("gpgsm set-up failed: " + result.lastWords()
                    + "\nall it said:\n" + result.stderr());
        }
    }

    private void agent(String action) {
        ExternalTool.run(List.of("gpgconf", action, "gpg-agent"), null,
                Map.of("GNUPGHOME", home.toString()));
    }

    /** True when gpgsm says the object is now in its keybox (new or already there). */
    private static boolean imported(ExternalTool.Result result) {
        return result.ok() || java.util.regex.Pattern.compile("(imported|unchanged): [1-9]")
                .matcher(result.stderr()).find();
    }

    private static String fingerprint(Path certificate) {
        String out = ExternalTool.check("openssl", "x509", "-in", certificate.toString(),
                "-noout", "-fingerprint", "-sha1").stdoutText();
        return out.substring(out.indexOf('=') + 1).strip();
    }

    /** Decrypts a base64 {@code smime.p7m} body. */
    public ExternalTool.Result decrypt(Path base64Body) {
        return call(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0",
                "--assume-base64", "--decrypt", base64Body.toString()), PASSPHRASE);
    }

    /** Verifies a detached base64 signature over the exact bytes in {@code data}. */
    public ExternalTool.Result verify(Path base64Signature, Path data) {
        return call(List.of("--assume-base64", "--verify", base64Signature.toString(),
                data.toString()), null);
    }

    private ExternalTool.Result call(List<String> args, byte[] stdin) {
        List<String> command = ExternalTool.args("gpgsm", "--batch", "--no-tty");
        command.addAll(args);
        return ExternalTool.run(command, stdin, Map.of("GNUPGHOME", home.toString()));
    }

    /** Stops the agent this home started. */
    @Override
    public void close() {
        ExternalTool.run(List.of("gpgconf", "--kill", "gpg-agent"), null,
                Map.of("GNUPGHOME", home.toString()));
    }
}
