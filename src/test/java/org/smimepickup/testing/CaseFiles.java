package org.smimepickup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The case files in {@code test-fixtures/cases/}, read byte for byte. */
public final class CaseFiles {
    /** The addresses the cases use; {@code nobody@nocert.example} deliberately has no cert. */
    public static final String SENDER = "alerts@sender.example";
    public static final List<String> ADDRESSES = List.of(SENDER, "ana@rcpt.example",
            "ben@rcpt.example", "dev@rcpt.example", "cleo@other.example");

    private CaseFiles() {
    }

    public static Path projectRoot() {
        String root = System.getProperty("project.root");
        return root == null ? Path.of("").toAbsolutePath() : Path.of(root);
    }

    public static Path folder() {
        return projectRoot().resolve("test-fixtures/cases");
    }

    /** Every case file by name, in name order. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".eml")).sorted()
                    .toList()) {
                cases.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }

    /** The cases whose names start with one of {@code prefixes} ("c01", "c14"...). */
    public static Map<String, byte[]> only(String... prefixes) {
        Map<String, byte[]> chosen = new LinkedHashMap<>();
        all().forEach((name, bytes) -> {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix + "-")) {
                    chosen.put(name, bytes);
                }
            }
        });
        return chosen;
    }

    /** The full file name of case {@code prefix}, such as "c01". */
    public static String name(String prefix) {
        return all().keySet().stream().filter(n -> n.startsWith(prefix + "-")).findFirst()
                .orElseThrow(() -> new AssertionError("no case file " + prefix + "-* in "
                        + folder()));
    }
}
