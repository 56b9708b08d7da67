package org.smimepickup.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The folders of one daemon under a temp root (spool, keys, certs, trust, pickup, staging) and
 * its config file. Keys and certificates sit three levels below the root, so that an address
 * such as {@code ../../../etc/x@y} would resolve to {@code ROOT/etc/}, where a test can plant
 * a bait file that must never be read.
 */
public final class SpoolLayout {
    private final Path root;
    private final Path spool;
    private final Path keys;
    private final Path certs;
    private final Path trust;
    private final Path pickup;
    private final Path staging;
    private final Map<String, String> settings = new LinkedHashMap<>();

    private SpoolLayout(Path root) {
        this.root = root;
        this.spool = root.resolve("spool");
        this.keys = root.resolve("conf/smime/keys");
        this.certs = root.resolve("conf/smime/certs");
        this.trust = root.resolve("conf/smime/trust");
        this.pickup = root.resolve("pmta/pickup");
        this.staging = root.resolve("pmta/staging");
    }

    /** Creates the folders and the default settings (mode sign+encrypt, pickup delivery). */
    public static SpoolLayout create(Path root) throws IOException {
        SpoolLayout layout = new SpoolLayout(root);
        for (Path dir : List.of(layout.spool, layout.keys, layout.certs, layout.trust,
                layout.pickup, layout.staging)) {
            Files.createDirectories(dir);
        }
        layout.set("spool.dir", layout.spool.toString())
                .set("keys.dir", layout.keys.toString())
                .set("certs.dir", layout.certs.toString())
                .set("trust.dir", layout.trust.toString())
                .set("mode", "sign+encrypt")
                .set("delivery", "pickup")
                .set("pickup.dir", layout.pickup.toString())
                .set("pickup.staging.dir", layout.staging.toString());
        return layout;
    }

    /** Sets one config key; the file is written by {@link #writeConfig()}. */
    public SpoolLayout set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public Path writeConfig() throws IOException {
        StringBuilder text = new StringBuilder("# written by an end-to-end test\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path config = root.resolve("smime-pickup.conf");
        Files.writeString(config, text);
        return config;
    }

    /** Installs the CA as trust anchor, {@code signers}' keys and everybody's certificate. */
    public SpoolLayout install(TestPki pki, List<String> signers) throws IOException {
        Files.copy(pki.caCertificate(), trust.resolve("ca.crt"),
                StandardCopyOption.REPLACE_EXISTING);
        for (TestPki.Identity identity : pki.identities()) {
            recipient(identity);
        }
        for (String signer : signers) {
            signingKey(pki.identity(signer));
        }
        return this;
    }

    /** {@code keys/ADDRESS.pem} (mode 0600) and {@code keys/ADDRESS.crt}. */
    public SpoolLayout signingKey(TestPki.Identity identity) throws IOException {
        Path key = keys.resolve(identity.address() + ".pem");
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.write(key, Files.readAllBytes(identity.key()));
        Files.copy(identity.certificate(), keys.resolve(identity.address() + ".crt"),
                StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    /** {@code certs/ADDRESS.crt}. */
    public SpoolLayout recipient(TestPki.Identity identity) throws IOException {
        Files.copy(identity.certificate(), certs.resolve(identity.address() + ".crt"),
                StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    /** Writes straight into the inbox: safe only while no daemon runs. */
    public Path drop(String name, byte[] data) throws IOException {
        return Files.write(spool.resolve(name), data);
    }

    /** Writes into {@code spool/tmp/} and renames into the inbox, as producers must. */
    public Path dropAtomically(String name, byte[] data) throws IOException {
        Path tmp = Files.createDirectories(spool.resolve("tmp"));
        Path written = Files.write(tmp.resolve(name), data);
        return Files.move(written, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The files in the pickup folder, by name. */
    public List<Path> outputs() throws IOException {
        return list(pickup);
    }

    public List<Path> done() throws IOException {
        return list(spool.resolve("done"));
    }

    public Path failed(String name) {
        return spool.resolve("failed").resolve(name);
    }

    /** The text of {@code failed/NAME.reason}, or null when there is none. */
    public String reason(String name) throws IOException {
        Path reason = spool.resolve("failed").resolve(name + ".reason");
        return Files.exists(reason) ? Files.readString(reason) : null;
    }

    public Path root() {
        return root;
    }

    public Path spool() {
        return spool;
    }

    public Path keys() {
        return keys;
    }

    public Path certs() {
        return certs;
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
