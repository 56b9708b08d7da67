package org.smimepickup.certs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.smimepickup.failure.PermanentFailure;

/** PKCS#12 signing identities and the passphrase files that unlock keys. */
final class KeyStores {
    private KeyStores() {
    }

    /** The first line of a passphrase file, after the same permission check as a key. */
    static char[] password(Path file, Set<PosixFilePermission> allowed)
            throws PermanentFailure {
        PemFiles.checkMode(file, "password file", allowed);
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
        } catch (IOException e) {
            throw new PermanentFailure("cannot read passphrase file " + file + ": "
                    + e.getMessage());
        }
    }

    /** The key entry of {@code store}: key, certificate and chain, checked to match. */
    static SigningIdentity pkcs12(String address, Path store, Path passFile,
            Set<PosixFilePermission> allowed) throws PermanentFailure {
        PemFiles.checkMode(store, allowed);
        char[] password = passFile == null ? new char[0] : password(passFile, allowed);
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            for (String alias : Collections.list(keyStore.aliases())) {
                Key key = keyStore.getKey(alias, password);
                if (key instanceof PrivateKey privateKey) {
                    return identity(address, store, privateKey,
                            keyStore.getCertificateChain(alias));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new PermanentFailure("cannot open PKCS#12 file " + store + " (wrong password"
                    + " in its .pass file?): " + e.getMessage());
        }
        throw new PermanentFailure("PKCS#12 file " + store + " holds no private key");
    }

    private static SigningIdentity identity(String address, Path store, PrivateKey key,
            Certificate[] chain) throws PermanentFailure {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate c : chain == null ? new Certificate[0] : chain) {
            certificates.add((X509Certificate) c);
        }
        if (certificates.isEmpty() || !SigningKeys.matches(key, certificates.get(0))) {
            throw new PermanentFailure("PKCS#12 file " + store + " has no certificate for its"
                    + " private key");
        }
        return new SigningIdentity(address, key, certificates.get(0), certificates);
    }
}
