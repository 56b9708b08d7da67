package org.smimepickup.certs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one folder, by the address in their name ({@code <address>.<ext>}, compared in
 * lower case). Built from a directory listing, never from a path made of an address, so that an
 * address such as {@code ../../etc/passwd@x} can only miss. Rebuilt when the folder changes.
 * Thread-safe.
 */
final class AddressIndex {
    private final Path dir;
    private final String extension;
    private Map<String, Path> byAddress = Map.of();
    private final FolderStamp stamp;

    AddressIndex(Path dir, String extension) {
        this.dir = dir;
        this.extension = extension;
        this.stamp = new FolderStamp(dir);
    }

    synchronized Path find(String address) {
        refresh();
        return byAddress.get(address.toLowerCase(Locale.ROOT));
    }

    synchronized Map<String, Path> all() {
        refresh();
        return Map.copyOf(byAddress);
    }

    private void refresh() {
        FolderStamp.Change change = stamp.look();
        if (change == FolderStamp.Change.GONE) {
            byAddress = Map.of();
        }
        if (change != FolderStamp.Change.CHANGED) {
            return;
        }
        Map<String, Path> fresh = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + extension)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                String address = name.substring(0, name.length() - extension.length());
                if (address.indexOf('@') > 0 && Files.isRegularFile(entry)) {
                    fresh.put(address.toLowerCase(Locale.ROOT), entry);
                }
            }
        } catch (IOException e) {
            return;
        }
        byAddress = fresh;
        stamp.listed();
    }
}
