package org.smimepickup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The alternative operators use today: {@code openssl cms} sign, piped into encrypt, one
 * process pair per message, sequentially or with {@code xargs -P}.
 */
final class OpensslLoop {
    private OpensslLoop() {
    }

    /** Messages per second over {@code count} copies of {@code message}. */
    static double rate(Benchmark.Keys keys, byte[] message, int count, int parallel, Path dir)
            throws IOException, InterruptedException {
        Path inputs = Files.createDirectories(dir.resolve("in"));
        byte[] plain = withoutEnvelope(message);
        for (int i = 0; i < count; i++) {
            Files.write(inputs.resolve("m" + i + ".eml"), plain);
        }
        Path one = dir.resolve("one.sh");
        StringBuilder recipients = new StringBuilder();
        keys.readerCerts().forEach(c -> recipients.append(' ').append(c));
        Files.writeString(one, "#!/bin/sh\nopenssl cms -sign -in \"$1\" -signer "
                + keys.signerCert() + " -inkey " + keys.signerKey() + " | openssl cms -encrypt"
                + " -aes256 -out \"$1.p7m\"" + recipients + "\n");
        Files.setPosixFilePermissions(one, PosixFilePermissions.fromString("rwx------"));

        String loop = parallel == 1
                ? "for f in " + inputs + "/*.eml; do " + one + " \"$f\" || exit 1; done"
                : "ls " + inputs + "/*.eml | xargs -P" + parallel + " -n1 " + one;
        long started = System.nanoTime();
        Process process = new ProcessBuilder(List.of("sh", "-c", loop)).inheritIO().start();
        Benchmark.waitFor(process);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("openssl loop failed in " + dir);
        }
        return count / seconds;
    }

    /** The message without the pickup envelope lines (openssl would sign them as text). */
    private static byte[] withoutEnvelope(byte[] message) {
        int pos = 0;
        while (pos < message.length && message[pos] == 'x' && message[pos + 1] == '-') {
            while (message[pos] != '\n') {
                pos++;
            }
            pos++;
        }
        return java.util.Arrays.copyOfRange(message, pos, message.length);
    }
}
