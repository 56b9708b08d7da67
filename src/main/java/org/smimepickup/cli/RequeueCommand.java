package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.smimepickup.config.Config;
import org.smimepickup.config.ConfigException;
import org.smimepickup.service.Requeue;
import org.smimepickup.spool.Spool;

/**
 * {@code requeue [--all | FILE... | --reason TEXT]}: moves failed or deferred files back into the
 * inbox, printing each new inbox path. Exits 2 when some file could not be moved.
 */
final class RequeueCommand {
    private RequeueCommand() {
    }

    /** What to requeue, from the command line. */
    private record Selection(boolean all, String reason, Options options) {
    }

    static int requeue(List<String> args, PrintStream out, PrintStream err)
            throws Options.UsageException {
        Selection selection = select(args);
        List<String> names = selection.options().arguments();
        try {
            Spool spool = new Spool(Config.load(selection.options().config()).spoolDir());
            Requeue requeue = new Requeue(spool);
            List<Path> files = selection.all() ? requeue.all()
                    : selection.reason() != null ? requeue.withReason(selection.reason())
                    : new ArrayList<>();
            boolean allFound = true;
            for (String name : names) {
                Path file = requeue.resolve(name);
                if (file == null) {
                    err.println("requeue: " + name + " is not a file in failed/ or deferred/");
                    allFound = false;
                } else {
                    files.add(file);
                }
            }
            return move(requeue, files, out, err) && allFound ? Main.OK : Main.SOME_FAILED;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return Main.CONFIG;
        } catch (IOException e) {
            err.println("cannot read the spool: " + e.getMessage());
            return Main.SOME_FAILED;
        }
    }

    private static boolean move(Requeue requeue, List<Path> files, PrintStream out,
            PrintStream err) {
        boolean allMoved = true;
        for (Path file : files) {
            try {
                out.println(requeue.requeue(file));
            } catch (IOException e) {
                err.println("requeue: cannot move " + file + ": " + e.getMessage());
                allMoved = false;
            }
        }
        return allMoved;
    }

    private static Selection select(List<String> args) throws Options.UsageException {
        List<String> rest = new ArrayList<>(args);
        boolean all = rest.remove("--all");
        String reason = null;
        int at = rest.indexOf("--reason");
        if (at >= 0) {
            if (at + 1 >= rest.size()) {
                throw new Options.UsageException("--reason needs the text to look for");
            }
            reason = rest.remove(at + 1);
            rest.remove(at);
        }
        Options options = Options.parse(rest);
        int ways = (all ? 1 : 0) + (reason != null ? 1 : 0)
                + (options.arguments().isEmpty() ? 0 : 1);
        if (ways != 1) {
            throw new Options.UsageException("requeue needs exactly one of --all, FILE...,"
                    + " --reason TEXT");
        }
        return new Selection(all, reason, options);
    }
}
