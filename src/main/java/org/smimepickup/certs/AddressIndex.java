package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one folder, by the address in their name ({@code <address>.<ext>}, compared in
 * lower case), for a few extensions at once. Built from a directory listing, never from a path
 * made of an address, so that an address such as {@code ../../etc/passwd@x} can only miss.
 * Rebuilt when the folder changes, which one look at its modification time tells for all the
 * extensions together. Thread-safe.
 */
final class AddressIndex {
    private final Path dir;
    private final String[] extensions;
    private List<Map<String, Path>> byExtension;
    private final FolderStamp stamp;

    AddressIndex(Path dir, String... extensions) {
        this.dir = dir;
        this.extensions = extensions.clone();
        this.byExtension = empty();
        this.stamp = new FolderStamp(dir);
    }

    /**
     * The files named for {@code address}, in the order of the extensions given at construction,
     * null where there is none.
     */
    synchronized Path[] find(String address) {
        refresh();
        String key = address.toLowerCase(Locale.ROOT);
        Path[] found = new Path[extensions.length];
        for (int i = 0; i < found.length; i++) {
            found[i] = byExtension.get(i).get(key);
        }
        return found;
    }

    /** Every address with a file of the {@code extension}-th kind, and that file. */
    synchronized Map<String, Path> all(int extension) {
        refresh();
        return Map.copyOf(byExtension.get(extension));
    }

    private List<Map<String, Path>> empty() {
        List<Map<String, Path>> maps = new ArrayList<>();
        for (int i = 0; i < extensions.length; i++) {
            maps.add(Map.of());
        }
        return maps;
    }

    private void refresh() {
        FolderStamp.Change change = stamp.look();
        if (change == FolderStamp.Change.GONE) {
            byExtension = empty();
        }
        if (change != FolderStamp.Change.CHANGED) {
            return;
        }
        List<Map<String, Path>> fresh = new ArrayList<>();
        for (int i = 0; i < extensions.length; i++) {
            fresh.add(new HashMap<>());
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                for (int i = 0; i < extensions.length; i++) {
                    if (!name.endsWith(extensions[i])) {
                        continue;
                    }
                    String address = name.substring(0, name.length() - extensions[i].length());
                    if (address.indexOf('@') > 0 && Files.isRegularFile(entry)) {
                        fresh.get(i).put(address.toLowerCase(Locale.ROOT), entry);
                    }
                }
            }
        } catch (IOException e) {
            return;
        }
        byExtension = fresh;
        stamp.listed();
    }
}
