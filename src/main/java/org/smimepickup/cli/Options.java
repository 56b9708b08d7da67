package org.smimepickup.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line after the command word: {@code --config FILE} and plain arguments. */
record Options(Path config, List<String> arguments) {
    static final Path DEFAULT_CONFIG = Path.of("/etc/smime-pickup/smime-pickup.conf");

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(List<String> args) throws UsageException {
        Path config = DEFAULT_CONFIG;
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--config") || arg.equals("-c")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(arg + " needs a file name");
                }
                config = Path.of(args.get(++i));
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring("--config=".length()));
            } else if (arg.startsWith("--") && !arg.equals("--")) {
                throw new UsageException("unknown option " + arg);
            } else {
                arguments.add(arg);
            }
        }
        return new Options(config, arguments);
    }
}
