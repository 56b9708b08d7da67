package org.smimepickup.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.smimepickup.testing.ExternalTool;

/**
 * A small tmpfs mounted on a folder the test created, so that the pickup filesystem can be made
 * full or read-only for real (chmod does not stop root). Skips the test, saying why, where
 * mounting is not permitted. Always unmount it with {@link #close()}.
 */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    static TmpfsMount mount(Path dir, String size) throws Exception {
        Files.createDirectories(dir);
        ExternalTool.Result result = ExternalTool.run(List.of("mount", "-t", "tmpfs", "-o",
                "size=" + size + ",mode=0755", "tmpfs", dir.toString()));
        Assumptions.assumeTrue(result.ok(), () -> "skipped: cannot mount a tmpfs on " + dir
                + " here (needs root or CAP_SYS_ADMIN): " + result.lastWords());
        return new TmpfsMount(dir);
    }

    Path dir() {
        return dir;
    }

    void readOnly(boolean readOnly) {
        check("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString());
    }

    private static void check(String... command) {
        ExternalTool.Result result = ExternalTool.run(List.of(command));
        if (!result.ok()) {
            throw new AssertionError(result.lastWords());
        }
    }

    @Override
    public void close() {
        ExternalTool.Result result = ExternalTool.run(List.of("umount", dir.toString()));
        if (!result.ok()) {
            // a daemon still holding a file open: detach now, freed when it lets go
            check("umount", "-l", dir.toString());
        }
    }
}
