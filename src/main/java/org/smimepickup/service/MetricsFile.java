package org.smimepickup.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smimepickup.spool.Spool;

/**
 * Writes the metrics for node_exporter's textfile collector. The collector may read at any
 * moment, so the text goes to a hidden {@code .NAME.tmp} beside the target (ignored by the
 * collector, which reads {@code *.prom} only) and is renamed over it: a reader sees the old file
 * or the new one, never half of one.
 */
final class MetricsFile {
    private static final List<String> FOLDERS = List.of("inbox", "work", "deferred", "failed",
            "done");

    private MetricsFile() {
    }

    /** Renders {@code metrics} with the spool's folder sizes and replaces {@code target}. */
    static void write(Path target, Metrics metrics, Spool spool) throws IOException {
        writeAtomically(target, metrics.render(folderSizes(spool)));
    }

    /** Message files per folder, as {@code status} counts them (no reason or retry files). */
    static Map<String, Integer> folderSizes(Spool spool) throws IOException {
        Map<String, Path> dirs = Map.of("inbox", spool.inbox(), "work", spool.work(),
                "deferred", spool.deferred(), "failed", spool.failed(), "done", spool.done());
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String folder : FOLDERS) {
            sizes.put(folder, SpoolStatus.messages(spool, dirs.get(folder)).size());
        }
        return sizes;
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }
}
