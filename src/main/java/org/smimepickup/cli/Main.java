package org.smimepickup.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point: picks the command and maps its result to the process exit code. */
public final class Main {
    /** Everything went to done/ (or the command succeeded). */
    public static final int OK = 0;
    /** The configuration cannot be used; the message says what to fix. */
    public static final int CONFIG = 1;
    /** Some files ended in failed/ or deferred/, or were left in the inbox. */
    public static final int SOME_FAILED = 2;
    /** The command line itself is wrong. */
    public static final int USAGE = 64;
    /** The daemon stopped on an unexpected error (a bug); systemd restarts it. */
    public static final int SOFTWARE = 70;

    private Main() {
    }

    public static void main(String[] args) {
        // Jakarta Mail otherwise looks its stream provider up for every body part
        System.setProperty("jakarta.mail.util.StreamProvider",
                "org.eclipse.angus.mail.util.MailStreamProvider");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "run" -> DaemonCommands.run(Options.parse(rest), err);
                case "once" -> DaemonCommands.once(Options.parse(rest), out, err);
                case "check-config" -> CheckConfigCommand.check(rest, out, err);
                case "status" -> StatusCommand.status(rest, out, err);
                case "requeue" -> RequeueCommand.requeue(rest, out, err);
                case "drop" -> DropCommand.drop(Options.parse(rest), out, err);
                case "demo-setup" -> DemoSetup.run(Options.parse(rest), out, err);
                case "dkim" -> DkimCommand.run(rest, out, err);
                case "send" -> SendCommand.run(rest, out, err);
                case "certs" -> CertsCommand.certs(rest, out, err);
                case "help", "--help", "-h" -> {
                    usage(out);
                    yield OK;
                }
                default -> {
                    err.println("unknown command '" + args[0] + "'");
                    usage(err);
                    yield USAGE;
                }
            };
        } catch (Options.UsageException e) {
            err.println(e.getMessage());
            usage(err);
            return USAGE;
        }
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: smime-pickup COMMAND [--config FILE] ...
                  run                 the daemon: process the inbox until SIGTERM
                  once                process everything in the inbox, then exit
                                      (0 all done, 2 some failed or deferred, 1 bad config)
                  check-config [--connect]
                                      validate the configuration and print it
                                      (0 only when the daemon would start)
                  status [--json]     files per spool folder, oldest ages, last failures,
                                      certificates that expire first
                  requeue --all | FILE... | --reason TEXT
                                      move failed/ or deferred/ files back into the inbox
                  drop FILE... | -    put files into the inbox safely (write, fsync, rename);
                                      prints the name each got in the inbox, its id until
                                      the daemon claims it (the log line's file="NAME")
                  demo-setup          create demo keys and certificates for conf/local.conf
                  dkim                DKIM key and PowerMTA/Momentum/DNS snippets (dkim --help)
                  send FILE...        sign/encrypt files and deliver them now, without the spool
                                      ([--sign] [--encrypt] [--to smtp|pickup|stdout])
                  certs [--json]      signing keys and recipient certificates, with the
                                      checks each fails (exit 2 when any fails)
                the default config is /etc/smime-pickup/smime-pickup.conf""");
    }
}
