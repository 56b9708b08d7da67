package org.smimepickup.dkim;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder of DKIM keys named {@code SELECTOR.DOMAIN.pem} ({@code SELECTOR._wildcard.pem} for
 * PowerMTA's {@code *}). The selector is the name up to the first dot, so a selector with dots
 * in it cannot be told apart from a subdomain here; such keys are read as the shorter selector.
 */
public final class KeysDirectory {
    private final Path dir;

    /** What a scan found: usable keys, and one line per file that was passed over and why. */
    public record Scan(List<DomainKey> keys, List<String> problems, List<String> warnings) {
    }

    public KeysDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads every key in the folder. A file that cannot be used does not stop the others; it is
     * listed in {@link Scan#problems()} with the reason.
     */
    public Scan scan(boolean allow1024) throws DkimException {
        List<DomainKey> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path file : pemFiles()) {
            try {
                DomainKey key = load(file, allow1024, warnings);
                if (key != null) {
                    keys.add(key);
                }
            } catch (DkimException e) {
                problems.add("skipped " + file + ": " + e.getMessage());
            }
        }
        keys.sort(DomainKey.SIGNING_ORDER);
        return new Scan(List.copyOf(keys), List.copyOf(problems), List.copyOf(warnings));
    }

    private DomainKey load(Path file, boolean allow1024, List<String> warnings)
            throws DkimException {
        String stem = file.getFileName().toString().replaceFirst("\\.pem$", "");
        int dot = stem.indexOf('.');
        if (dot <= 0) {
            warnings.add("skipped " + file + ": not named SELECTOR.DOMAIN.pem");
            return null;
        }
        String selector = DkimNames.selector(stem.substring(0, dot));
        String part = stem.substring(dot + 1);
        String domain = part.equals(DomainKey.WILDCARD_IN_FILE_NAME) ? DkimNames.WILDCARD
                : DkimNames.domain(part, false);
        RsaKey key = DkimKeyFile.read(file);
        String warning = key.checkStrength(allow1024);
        if (warning != null) {
            warnings.add(file + ": " + warning);
        }
        return DomainKey.of(selector, domain, file, key);
    }

    private List<Path> pemFiles() throws DkimException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "[!.]*.pem")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            throw new DkimException("cannot list the keys folder " + dir + ": " + e.getMessage()
                    + "; check the path given with --keys-dir", e);
        }
        files.sort(null);
        return files;
    }
}
