package org.smimepickup.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One line of figures per scenario, {@code chaos: SCENARIO key=value ...}: printed, and appended
 * to the file named by the environment variable {@code CHAOS_FIGURES} when it is set
 * ({@code make chaos} prints that file at the end).
 */
final class Figures {
    private Figures() {
    }

    static void report(String scenario, Object... keysAndValues) {
        StringBuilder line = new StringBuilder("chaos: ").append(scenario);
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            line.append(' ').append(keysAndValues[i]).append('=').append(keysAndValues[i + 1]);
        }
        System.out.println(line);
        String file = System.getenv("CHAOS_FIGURES");
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("chaos: cannot append to " + file + ": " + e.getMessage());
        }
    }
}
