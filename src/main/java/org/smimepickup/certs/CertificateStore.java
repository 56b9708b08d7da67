package org.smimepickup.certs;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Addresses;

/**
 * Recipient certificates in {@code certs.dir}, named {@code <address>.crt}. A certificate that
 * is missing, unreadable or out of its validity dates is not usable; the failure says which and
 * where it was looked for. Thread-safe.
 */
public final class CertificateStore {
    private final Path dir;
    private final AddressIndex index;
    private final ConcurrentHashMap<Path, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(long modified, X509Certificate certificate) {
    }

    public CertificateStore(Path dir) {
        this.dir = dir;
        this.index = new AddressIndex(dir, ".crt");
    }

    public Path dir() {
        return dir;
    }

    /** The usable certificate for {@code address}, or a failure saying why there is none. */
    public X509Certificate find(String address) throws PermanentFailure {
        Path file = index.find(address);
        if (file == null) {
            throw new PermanentFailure("no certificate for " + Addresses.printable(address)
                    + ": looked for " + Addresses.printable(address) + ".crt in certs.dir " + dir);
        }
        long modified = file.toFile().lastModified();
        Cached cached = cache.get(file);
        if (cached == null || cached.modified() != modified) {
            cached = new Cached(modified, PemFiles.certificates(file).get(0));
            cache.put(file, cached);
        }
        SigningKeys.checkDates(cached.certificate(), file);
        return cached.certificate();
    }
}
