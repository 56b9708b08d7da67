package org.smimepickup.dkim;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reading, generating and writing DKIM private keys as unencrypted PEM files. Key files must be
 * private to their owner: a file that group or others may use is refused, as OpenDKIM and
 * OpenSSH do, and new files are created with mode 0600 before any byte is written.
 */
public final class DkimKeyFile {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Map<ASN1ObjectIdentifier, String> OTHER_ALGORITHMS = Map.of(
            X9ObjectIdentifiers.id_ecPublicKey, "EC",
            X9ObjectIdentifiers.id_dsa, "DSA",
            EdECObjectIdentifiers.id_Ed25519, "Ed25519",
            EdECObjectIdentifiers.id_Ed448, "Ed448",
            PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS");

    /** What {@link #write} did. */
    public enum Written { CREATED, REPLACED, UNCHANGED }

    private DkimKeyFile() {
    }

    /** The RSA key in {@code file}, after checking that only its owner may read it. */
    public static RsaKey read(Path file) throws DkimException {
        if (Files.isDirectory(file)) {
            throw new DkimException("key file is a directory: " + file + "; give the PEM file"
                    + " itself with --key");
        }
        checkMode(file);
        return parse(file);
    }

    private static RsaKey parse(Path file) throws DkimException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                RsaKey key = rsaKey(file, item);
                if (key != null) {
                    return key;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw cannotRead(file, e);
        }
        throw new DkimException("no private key in " + file + ": expected an unencrypted PEM"
                + " key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)");
    }

    /** A new RSA key of {@code bits}; 1024 only when {@code allow1024}. */
    public static RsaKey generate(int bits, boolean allow1024) throws DkimException {
        boolean supported = bits == 2048 || bits == 3072 || bits == 4096
                || (bits == RsaKey.LEGACY_BITS && allow1024);
        if (!supported) {
            String legacy = bits == RsaKey.LEGACY_BITS ? " (1024 only with --allow-1024)" : "";
            throw new DkimException("unsupported key size: --bits " + bits + "; use 2048, 3072"
                    + " or 4096" + legacy);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4),
                    new SecureRandom());
            return new RsaKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new DkimException("cannot generate an RSA key: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code key} to {@code target} through a private temporary file and a rename, so the
     * file is never partly written or briefly readable by others. An existing file with another
     * key is replaced only when {@code force}; one with the same key is left as it is.
     */
    public static Written write(Path target, RsaKey key, KeyFormat format, boolean force)
            throws DkimException {
        boolean exists = Files.exists(target);
        if (exists && sameKey(target, key)) {
            checkMode(target);
            return Written.UNCHANGED;
        }
        if (exists && !force) {
            throw new DkimException("key file exists: " + target + " holds another key, which"
                    + " DNS may already publish; use it with --key " + target + ", choose"
                    + " another --selector, or add --force to replace it (then publish the new"
                    + " record before the MTA reloads)");
        }
        Path temporary = target.resolveSibling("." + target.getFileName() + "."
                + UUID.randomUUID() + ".tmp");
        try {
            writePem(temporary, key.privateKey(), format);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            throw new DkimException("cannot write key file " + target + ": " + e.getMessage()
                    + "; check that the directory exists and is writable", e);
        }
        return exists ? Written.REPLACED : Written.CREATED;
    }

    /**
     * Writes a public file (DNS record, MTA include) through a temporary file and a rename, so
     * an MTA that reloads meanwhile sees the old or the new file, never half of one.
     */
    public static void writeText(Path target, String text) throws DkimException {
        Path temporary = target.resolveSibling("." + target.getFileName() + "."
                + UUID.randomUUID() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            channel.write(StandardCharsets.US_ASCII.encode(text));
            channel.force(true);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new DkimException("cannot write " + target + ": " + e.getMessage()
                    + "; check that the directory exists and is writable", e);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new DkimException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a key file that grants anything to group or others. */
    static void checkMode(Path file) throws DkimException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
        Set<PosixFilePermission> ownerOnly = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission permission : mode) {
            if (permission.name().startsWith("OWNER")) {
                ownerOnly.add(permission);
            }
        }
        if (!ownerOnly.equals(mode)) {
            throw new DkimException("key file " + file + " is open to group or others (mode "
                    + octal(mode) + "); a DKIM key lets anyone sign as the domain. Fix it with:"
                    + " chmod " + octal(ownerOnly) + " " + file);
        }
    }

    /** Turns an I/O failure into what the operator can do about it. */
    static DkimException cannotRead(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return new DkimException("key file not found: " + file + "; check the path, or make"
                    + " a new key with --generate --out DIR");
        }
        if (e instanceof AccessDeniedException) {
            return new DkimException("cannot read key file " + file + ": permission denied; run"
                    + " as the user that owns it (ls -l " + file + "), or make it readable to"
                    + " this user with chown");
        }
        return new DkimException("cannot read key file " + file + ": " + e.getMessage()
                + "; expected an unencrypted PEM private key", e);
    }

    private static RsaKey rsaKey(Path file, Object item) throws DkimException, IOException {
        if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new DkimException("key file " + file + " is encrypted; the MTAs read"
                    + " unencrypted keys only. Decrypt it with: openssl pkey -in " + file
                    + " -out NEW.pem (then chmod 0600 NEW.pem)");
        }
        PrivateKeyInfo info = item instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                : item instanceof PrivateKeyInfo plain ? plain : null;
        if (info == null) {
            return null;
        }
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (!algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            throw new DkimException("not an RSA key: " + file + " holds "
                    + OTHER_ALGORITHMS.getOrDefault(algorithm, "algorithm " + algorithm)
                    + "; PowerMTA and Momentum sign DKIM with RSA only. Make an RSA key with"
                    + " --generate");
        }
        PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new DkimException("RSA key without its public exponent in " + file
                    + "; convert it with: openssl pkey -in " + file + " -out NEW.pem");
        }
        return new RsaKey(crt);
    }

    private static boolean sameKey(Path target, RsaKey key) {
        try {
            return parse(target).samePairAs(key);
        } catch (DkimException e) {
            return false;
        }
    }

    private static void writePem(Path file, PrivateKey key, KeyFormat format)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), OWNER_ONLY)) {
            Writer text = new OutputStreamWriter(Channels.newOutputStream(channel),
                    StandardCharsets.US_ASCII);
            JcaPEMWriter pem = new JcaPEMWriter(text);
            // JcaPEMWriter writes a JCA RSA key as PKCS#1; PKCS#8 needs its own generator
            pem.writeObject(format == KeyFormat.PKCS8 ? new JcaPKCS8Generator(key, null) : key);
            pem.flush();
            channel.force(true);
        }
    }

    private static void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do: the rename never happened, so the target is untouched
        }
    }

    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission permission : mode) {
            bits |= 0400 >> permission.ordinal();
        }
        return String.format("%04o", bits);
    }
}
