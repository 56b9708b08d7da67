package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.message.Addresses;

/**
 * Recipient certificates in {@code certs.dir}: found by file name ({@code <address>.crt}) or by
 * any rfc822Name in their subject alternative names. The index is rebuilt when the folder
 * changes and at least every {@link #RELIST}; files already read are not parsed again. When
 * several certificates match, the newest one that passes every check wins; when none passes,
 * the failure names each and why.
 * Thread-safe.
 */
public final class CertificateStore {
    private final Path dir;
    private final TrustAnchors trust;
    private final Map<Path, Entry> parsed = new HashMap<>();
    private Map<String, List<Entry>> byAddress = Map.of();
    private final FolderStamp stamp;

    private record Entry(Path file, FileTime modified, X509Certificate certificate) {
    }

    private record Check(long at, List<String> problems) {
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Check> checks =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A certificate overwritten in place leaves the folder's time alone, so the folder is also
     * listed again this often; files whose own time is unchanged are not parsed again.
     */
    static final Duration RELIST = Duration.ofSeconds(10);

    private final long relistNanos;
    private long listedAt;

    public CertificateStore(Path dir, TrustAnchors trust) {
        this(dir, trust, RELIST);
    }

    CertificateStore(Path dir, TrustAnchors trust, Duration relist) {
        this.dir = dir;
        this.trust = trust;
        this.stamp = new FolderStamp(dir);
        this.relistNanos = relist.toNanos();
        this.listedAt = System.nanoTime() - relistNanos;
    }

    public Path dir() {
        return dir;
    }

    /** The usable certificate for {@code address}, or a failure saying why there is none. */
    public X509Certificate find(String address) throws PermanentFailure {
        List<Entry> candidates = candidates(address);
        if (candidates.isEmpty()) {
            throw new PermanentFailure("no certificate for " + Addresses.printable(address)
                    + ": looked for " + Addresses.printable(address) + ".crt and for its address"
                    + " in the certificates of certs.dir " + dir);
        }
        X509Certificate best = null;
        List<String> refused = new ArrayList<>();
        for (Entry entry : candidates) {
            List<String> problems = checked(entry, address);
            if (!problems.isEmpty()) {
                refused.add(entry.file().getFileName() + ": " + String.join(", ", problems));
            } else if (best == null
                    || entry.certificate().getNotBefore().after(best.getNotBefore())) {
                best = entry.certificate();
            }
        }
        if (best == null) {
            throw new PermanentFailure("no usable certificate for " + Addresses.printable(address)
                    + " in certs.dir " + dir + " (" + String.join("; ", refused) + ")");
        }
        return best;
    }

    /** Every certificate file with the checks it fails for encryption to its address. */
    public synchronized List<CertificateReport> report() {
        refresh();
        List<CertificateReport> reports = new ArrayList<>();
        for (Entry entry : parsed.values()) {
            String name = entry.file().getFileName().toString();
            String stem = name.substring(0, name.lastIndexOf('.')).toLowerCase(Locale.ROOT);
            java.util.Set<String> named = CertificateCheck.addresses(entry.certificate());
            // a file named for an address is found under that address, so check it for that one
            String address = stem.indexOf('@') > 0 || named.isEmpty() ? stem
                    : named.iterator().next();
            reports.add(CertificateReport.of("recipient", entry.file(), entry.certificate(),
                    CertificateCheck.problems(entry.certificate(), address,
                            CertificateCheck.Use.ENCRYPT, trust.anchors(),
                            trust.intermediates())));
        }
        reports.sort(java.util.Comparator.comparing(r -> r.file().toString()));
        return reports;
    }

    /**
     * The checks for one certificate and address, cached for a minute: a chain validation per
     * recipient per message would cost more than the encryption, and a minute is soon enough
     * to notice an expiry.
     */
    private List<String> checked(Entry entry, String address) {
        String key = entry.file() + "\n" + entry.modified() + "\n" + address;
        long now = System.currentTimeMillis();
        Check cached = checks.get(key);
        if (cached == null || now - cached.at() > 60_000) {
            cached = new Check(now, CertificateCheck.problems(entry.certificate(), address,
                    CertificateCheck.Use.ENCRYPT, trust.anchors(), trust.intermediates()));
            if (checks.size() > 100_000) {
                checks.clear();
            }
            checks.put(key, cached);
        }
        return cached.problems();
    }

    private synchronized List<Entry> candidates(String address) {
        refresh();
        return byAddress.getOrDefault(address.toLowerCase(Locale.ROOT), List.of());
    }

    private void refresh() {
        FolderStamp.Change change = stamp.look();
        if (change == FolderStamp.Change.GONE) {
            byAddress = Map.of();
            return;
        }
        boolean stale = System.nanoTime() - listedAt >= relistNanos;
        if (change != FolderStamp.Change.CHANGED && !stale) {
            return;
        }
        Map<String, List<Entry>> index = new HashMap<>();
        Map<Path, Entry> seen = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{crt,pem}")) {
            for (Path file : files) {
                Entry entry = entry(file);
                if (entry != null) {
                    seen.put(file, entry);
                    addToIndex(index, entry);
                }
            }
        } catch (IOException e) {
            return;
        }
        parsed.keySet().retainAll(seen.keySet());
        parsed.putAll(seen);
        byAddress = index;
        stamp.listed();
        listedAt = System.nanoTime();
    }

    /** The parsed file, reused when unchanged; null for a file that is not a certificate. */
    private Entry entry(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Entry known = parsed.get(file);
            if (known != null && known.modified().equals(modified)) {
                return known;
            }
            return new Entry(file, modified, PemFiles.certificates(file).get(0));
        } catch (IOException | PermanentFailure e) {
            return null;
        }
    }

    private static void addToIndex(Map<String, List<Entry>> index, Entry entry) {
        java.util.Set<String> addresses = new java.util.TreeSet<>(
                CertificateCheck.addresses(entry.certificate()));
        String name = entry.file().getFileName().toString();
        addresses.add(name.substring(0, name.lastIndexOf('.')).toLowerCase(Locale.ROOT));
        for (String address : addresses) {
            index.computeIfAbsent(address, a -> new ArrayList<>()).add(entry);
        }
    }
}
