package org.smimepickup.certs;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.smimepickup.failure.PermanentFailure;

/** Reading certificates and private keys from PEM files, and the permission rule for keys. */
public final class PemFiles {
    /** OpenSSL's PBES2 and legacy PEM ciphers are all in BouncyCastle, not all in the JDK. */
    private static final java.security.Provider BC =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private PemFiles() {
    }

    /** Every certificate in a PEM file, in file order. */
    public static List<X509Certificate> certificates(Path file) throws PermanentFailure {
        List<X509Certificate> found = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof X509CertificateHolder holder) {
                    found.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new PermanentFailure("cannot read certificate file " + file + ": "
                    + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new PermanentFailure("no PEM certificate in " + file);
        }
        return found;
    }

    /**
     * The private key in a PEM file (PKCS#1 or PKCS#8, unencrypted), after checking that nobody
     * but its owner can read it.
     */
    public static PrivateKey privateKey(Path file, Set<PosixFilePermission> allowed)
            throws PermanentFailure {
        return privateKey(file, allowed, null);
    }

    /**
     * As {@link #privateKey(Path, Set)}, also for encrypted PEM (traditional OpenSSL or
     * PKCS#8) when {@code passphrase} is given.
     */
    public static PrivateKey privateKey(Path file, Set<PosixFilePermission> allowed,
            char[] passphrase) throws PermanentFailure {
        checkMode(file, allowed);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof
                        PKCS8EncryptedPrivateKeyInfo) {
                    return decrypt(file, item, passphrase, converter);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new PermanentFailure("cannot read private key " + file + ": "
                    + e.getClass().getSimpleName());
        }
        throw new PermanentFailure("no PEM private key in " + file);
    }

    private static PrivateKey decrypt(Path file, Object item, char[] passphrase,
            JcaPEMKeyConverter converter) throws PermanentFailure, IOException {
        if (passphrase == null) {
            throw new PermanentFailure("private key " + file + " is encrypted: put its"
                    + " passphrase in <address>.pass beside it (mode 0600)");
        }
        try {
            if (item instanceof PEMEncryptedKeyPair pair) {
                return converter.getKeyPair(pair.decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(BC).build(passphrase)))
                        .getPrivate();
            }
            return converter.getPrivateKey(((PKCS8EncryptedPrivateKeyInfo) item)
                    .decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                            .setProvider(BC).build(passphrase)));
        } catch (OperatorCreationException | PKCSException | EncryptionException e) {
            throw new PermanentFailure("cannot decrypt private key " + file + ": wrong"
                    + " passphrase in its .pass file?");
        }
    }

    /** Refuses a key file that group or others may use beyond {@code allowed}. */
    public static void checkMode(Path file, Set<PosixFilePermission> allowed)
            throws PermanentFailure {
        checkMode(file, "private key", allowed);
    }

    /**
     * As {@link #checkMode(Path, Set)} for any secret file; {@code what} names it in the refusal
     * ("password file"), so the operator looks for the right file.
     */
    public static void checkMode(Path file, String what, Set<PosixFilePermission> allowed)
            throws PermanentFailure {
        Set<PosixFilePermission> actual;
        try {
            actual = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new PermanentFailure("cannot read the permissions of " + file + ": "
                    + e.getMessage());
        }
        for (PosixFilePermission permission : actual) {
            boolean foreign = permission.name().startsWith("GROUP")
                    || permission.name().startsWith("OTHERS");
            if (foreign && !allowed.contains(permission)) {
                throw new PermanentFailure(what + " " + file + " is readable by others"
                        + " (mode " + KeyMode.format(actual) + "); fix it with: chmod "
                        + KeyMode.format(restrict(actual, allowed)) + " " + file);
            }
        }
    }

    private static Set<PosixFilePermission> restrict(Set<PosixFilePermission> actual,
            Set<PosixFilePermission> allowed) {
        Set<PosixFilePermission> fixed = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : actual) {
            if (p.name().startsWith("OWNER") || allowed.contains(p)) {
                fixed.add(p);
            }
        }
        return fixed;
    }
}
