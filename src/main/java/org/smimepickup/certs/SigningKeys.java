package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Addresses;

/**
 * Signing keys in {@code keys.dir}: {@code <address>.pem} (private key, plain or encrypted)
 * beside {@code <address>.crt} (its certificate, then any intermediates), or one PKCS#12 file
 * {@code <address>.p12}; a passphrase, when needed, in {@code <address>.pass}. Loaded once
 * per file version
 * and checked on load: safe file mode, the key matches the certificate. Thread-safe.
 */
public final class SigningKeys {
    /** How long key files that fail to load right after a change are given to settle. */
    private static final long SETTLE_MILLIS = 2_000;
    private static final int SETTLE_ATTEMPTS = 8;

    private final Path dir;
    private final Set<PosixFilePermission> allowedMode;
    private final TrustAnchors trust;
    /** The kinds of file in keys.dir, in the order {@link #files} lists them. */
    private static final int P12 = 0;
    private static final int PEM = 1;
    private static final int CRT = 2;
    private static final int PASS = 3;
    private final AddressIndex files;
    private final ConcurrentHashMap<Path, Loaded> cache = new ConcurrentHashMap<>();

    /** A loaded identity and its last check, redone every minute so expiry is noticed. */
    private static final class Loaded {
        final FileTime keyTime;
        final FileTime certTime;
        final SigningIdentity identity;
        volatile List<String> problems;
        volatile long checkedAt;

        Loaded(FileTime keyTime, FileTime certTime, SigningIdentity identity) {
            this.keyTime = keyTime;
            this.certTime = certTime;
            this.identity = identity;
        }

        SigningIdentity identity() {
            return identity;
        }
    }

    private List<String> checked(SigningIdentity identity, Loaded loaded) {
        long now = System.currentTimeMillis();
        if (loaded.problems == null || now - loaded.checkedAt > 60_000) {
            List<X509Certificate> helpers = new java.util.ArrayList<>(identity.chain());
            helpers.addAll(trust.intermediates());
            loaded.problems = CertificateCheck.problems(identity.certificate(),
                    identity.address(), CertificateCheck.Use.SIGN, trust.anchors(), helpers);
            loaded.checkedAt = now;
        }
        return loaded.problems;
    }

    public SigningKeys(Path dir, Set<PosixFilePermission> allowedMode, TrustAnchors trust) {
        this.dir = dir;
        this.allowedMode = allowedMode;
        this.trust = trust;
        this.files = new AddressIndex(dir, ".p12", ".pem", ".crt", ".pass");
    }

    /** The identity that signs for {@code address}, or a failure that says what to add. */
    public SigningIdentity find(String address) throws PermanentFailure {
        Path[] named = files.find(address);
        Path store = named[P12];
        Path keyFile = store != null ? store : named[PEM];
        Path certFile = store != null ? store : named[CRT];
        if (keyFile == null || certFile == null) {
            throw new PermanentFailure("no key for " + Addresses.printable(address)
                    + ": expected <address>.pem and <address>.crt, or <address>.p12, in"
                    + " keys.dir " + dir);
        }
        Path passFile = named[PASS];
        Loaded loaded;
        for (int attempt = 1; ; attempt++) {
            FileTime keyTime = modified(keyFile);
            FileTime certTime = passFile == null ? modified(certFile)
                    : newest(certFile, passFile);
            loaded = cache.get(keyFile);
            if (loaded != null && loaded.keyTime.equals(keyTime)
                    && loaded.certTime.equals(certTime)) {
                break;
            }
            try {
                SigningIdentity identity = store != null
                        ? KeyStores.pkcs12(address, store, passFile, allowedMode)
                        : load(address, keyFile, certFile, passFile);
                loaded = new Loaded(keyTime, certTime, identity);
                cache.put(keyFile, loaded);
                break;
            } catch (PermanentFailure e) {
                // a key pair replaced file by file is briefly a new key with the old
                // certificate: files changed a moment ago get a little time to settle
                if (attempt >= SETTLE_ATTEMPTS || !changedRecently(keyTime, certTime)) {
                    throw e;
                }
                pause();
            }
        }
        SigningIdentity identity = loaded.identity();
        List<String> problems = checked(identity, loaded);
        if (!problems.isEmpty()) {
            throw new PermanentFailure("signing certificate " + certFile + " cannot sign for "
                    + Addresses.printable(address) + ": " + String.join("; ", problems));
        }
        return identity;
    }

    private static boolean changedRecently(FileTime keyTime, FileTime certTime) {
        long newest = Math.max(keyTime.toMillis(), certTime.toMillis());
        return System.currentTimeMillis() - newest < SETTLE_MILLIS;
    }

    /** A short wait; an interrupt (shutdown) ends it early and stays set for the caller. */
    private static void pause() {
        long millis = SETTLE_MILLIS / SETTLE_ATTEMPTS;
        java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000);
    }

    /** What {@code certs} shows for the key of {@code address}: usable, or why not. */
    public CertificateReport report(String address) {
        try {
            SigningIdentity identity = find(address);
            return CertificateReport.of("signing", dir.resolve(address),
                    identity.certificate(), List.of());
        } catch (PermanentFailure e) {
            Path certFile = files.find(address)[CRT];
            try {
                X509Certificate certificate = PemFiles.certificates(certFile).get(0);
                return CertificateReport.of("signing", certFile, certificate,
                        List.of(e.getMessage()));
            } catch (PermanentFailure | RuntimeException unreadable) {
                return new CertificateReport("signing", dir.resolve(address), List.of(address),
                        "", null, List.of(e.getMessage()));
            }
        }
    }

    /** Every address with a PEM pair or a PKCS#12 file. */
    public List<String> addresses() {
        java.util.Set<String> found = new java.util.TreeSet<>(files.all(P12).keySet());
        java.util.Set<String> certificates = files.all(CRT).keySet();
        files.all(PEM).keySet().stream().filter(certificates::contains).forEach(found::add);
        return List.copyOf(found);
    }

    private SigningIdentity load(String address, Path keyFile, Path certFile, Path passFile)
            throws PermanentFailure {
        char[] passphrase = passFile == null ? null : KeyStores.password(passFile, allowedMode);
        PrivateKey key = PemFiles.privateKey(keyFile, allowedMode, passphrase);
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        X509Certificate certificate = chain.get(0);
        if (!matches(key, certificate)) {
            throw new PermanentFailure("private key " + keyFile + " does not belong to the"
                    + " certificate in " + certFile);
        }
        return new SigningIdentity(address, key, certificate, chain);
    }

    static boolean matches(PrivateKey key, X509Certificate certificate)
            throws PermanentFailure {
        String kind = key.getAlgorithm();
        String certified = certificate.getPublicKey().getAlgorithm();
        if (!List.of("RSA", "EC").contains(kind) || !List.of("RSA", "EC").contains(certified)) {
            // an RSASSA-PSS key, say: the JDK would sign, and no reader could verify
            throw new PermanentFailure("the signing key for " + certificate
                    .getSubjectX500Principal() + " is " + kind + " with a " + certified
                    + " certificate; S/MIME is signed here with plain RSA (rsaEncryption, e.g."
                    + " openssl req -newkey rsa:2048) or EC keys");
        }
        String algorithm = kind.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "smime-pickup key check".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new PermanentFailure("cannot use the key for " + certificate
                    .getSubjectX500Principal() + ": " + e.getMessage());
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // another size or kind of key than the certificate's: not its key
            return false;
        }
    }

    private static FileTime newest(Path a, Path b) throws PermanentFailure {
        FileTime first = modified(a);
        FileTime second = modified(b);
        return first.compareTo(second) >= 0 ? first : second;
    }

    private static FileTime modified(Path file) throws PermanentFailure {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new PermanentFailure("cannot read " + file + ": " + e.getMessage());
        }
    }
}
