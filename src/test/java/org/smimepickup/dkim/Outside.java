package org.smimepickup.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the outside implementations the DKIM tests compare against: openssl, and Debian's
 * python3-dkim. Every call has a deadline, so a hung tool fails the test instead of the build.
 */
public final class Outside {
    /** Debian's python3-dkim is installed for the system interpreter, not for any other. */
    public static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");

    private Outside() {
    }

    /** The result of one run: exit code and both outputs. */
    public record Run(int exitCode, byte[] stdout, String stderr) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code command} in {@code dir}; fails the test if it does not end in 60 seconds. */
    public static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, ".stdout", ".bin");
        Path errors = Files.createTempFile(dir, ".stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
        process.getOutputStream().close();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("%s ended within 60 s", command[0]).isTrue();

        byte[] stdout = Files.readAllBytes(output);
        String stderr = Files.readString(errors);
        Files.delete(output);
        Files.delete(errors);
        return new Run(process.exitValue(), stdout, stderr);
    }

    /** Runs {@code command} and insists on exit code 0. */
    public static Run ok(Path dir, String... command) throws IOException, InterruptedException {
        Run run = run(dir, command);
        assertThat(run.exitCode()).as("%s failed: %s", String.join(" ", command), run.stderr())
                .isZero();
        return run;
    }

    /** The base64 DER SubjectPublicKeyInfo of a private key file, as openssl computes it. */
    public static String opensslPublicKey(Path keyFile) throws IOException, InterruptedException {
        Run run = ok(keyFile.getParent(), "openssl", "pkey", "-in", keyFile.toString(),
                "-pubout", "-outform", "DER");
        return Base64.getEncoder().encodeToString(run.stdout());
    }

    /** A key made by openssl itself, with mode 0600; {@code args} follow openssl's command. */
    public static Path opensslKey(Path dir, String name, String... args)
            throws IOException, InterruptedException {
        Path file = dir.resolve(name);
        // after the subcommand: genrsa wants its key size last
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(2, List.of("-out", file.toString()));
        ok(dir, command.toArray(String[]::new));
        Files.setPosixFilePermissions(file,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Whether Debian's python3-dkim can be imported (CI installs it, see README). */
    public static boolean hasPythonDkim() throws InterruptedException {
        if (!Files.isExecutable(SYSTEM_PYTHON)) {
            return false;
        }
        try {
            Path dir = Files.createTempDirectory("dkim-probe");
            Run run = run(dir, SYSTEM_PYTHON.toString(), "-c", "import dkim");
            Files.delete(dir);
            return run.exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
