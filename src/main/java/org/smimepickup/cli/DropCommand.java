package org.smimepickup.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.spool.Spool;

/**
 * {@code drop FILE... | -}: the safe way for scripts to hand in a message: copy into the
 * spool's {@code tmp/}, fsync, then rename into the inbox, so the daemon never sees half a file.
 * Prints one line per file: the name it got in the inbox (its own, or with a suffix when that
 * name was taken). That name is the file's id until the daemon claims it: the daemon's log line
 * for the message carries it as {@code file="NAME"} beside the spool id it assigns at claim
 * time, and {@code done/}, {@code failed/} and {@code deferred/} keep it (with the spool id
 * added when the name is taken there).
 */
final class DropCommand {
    private DropCommand() {
    }

    static int drop(Options options, PrintStream out, PrintStream err) {
        if (options.arguments().isEmpty()) {
            err.println("drop needs files to drop, or - for standard input");
            return Main.USAGE;
        }
        try {
            Spool spool = new Spool(Config.load(options.config()).spoolDir());
            spool.prepare();
            for (String argument : options.arguments()) {
                Path dropped = argument.equals("-")
                        ? dropStream(spool, System.in, "stdin-" + UUID.randomUUID() + ".eml")
                        : dropFile(spool, Path.of(argument));
                out.println(dropped.getFileName());
            }
            return Main.OK;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        } catch (IOException e) {
            err.println("drop failed: " + e.getMessage());
            return Main.SOME_FAILED;
        }
    }

    private static Path dropFile(Spool spool, Path file) throws IOException {
        String name = file.getFileName().toString();
        if (Spool.isIgnored(name)) {
            name = "dropped-" + name.replaceFirst("^\\.+", "") + ".eml";
        }
        try (InputStream in = Files.newInputStream(file)) {
            return dropStream(spool, in, name);
        }
    }

    private static Path dropStream(Spool spool, InputStream in, String name) throws IOException {
        return spool.accept(name, in);
    }
}
