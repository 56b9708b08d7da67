package org.smimepickup.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private Postfix instance for one test class: its own config, queue, data and mail folders
 * under a test folder, an SMTP listener on 127.0.0.1 only, local delivery of a fixed set of
 * addresses into Maildirs, and nothing else: every other destination is refused at RCPT, every
 * transport that could leave the host is the error transport, and there are no DNS lookups.
 * Postfix's master runs as root, so this needs root and Debian's {@code postfix} package, which
 * {@code .ci/run} installs. The system's own Postfix instance is neither used nor touched.
 */
public final class PostfixInstance implements AutoCloseable {
    /** Set (to anything) to skip, instead of fail, the tests that need a real Postfix. */
    public static final String OPT_OUT = "SMIME_PICKUP_NO_POSTFIX";
    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin");
    /** What the virtual delivery agent writes Maildir files as: never root, by its rules. */
    private static final String MAILBOX_USER = "nobody";
    private static final Pattern QUEUE_ID = Pattern.compile(
            "\\(Postfix\\) with E?SMTPS?A? id ([0-9A-Za-z]+)");
    private static final List<String> QUEUES = List.of("maildrop", "incoming", "active",
            "deferred", "hold");

    private final Path command;
    private final Path config;
    private final Path queue;
    private final Path mail;
    private final Path maillog;
    private int port;

    /**
     * One delivered copy with what Postfix put on top (Return-Path, X-Original-To,
     * Delivered-To and its Received field) taken off, and CRLF line ends restored: the Maildir
     * file has LF ends, as Postfix stores every message.
     */
    public record Copy(Path file, String returnPath, String deliveredTo, String queueId,
            byte[] message) {
    }

    private PostfixInstance(Path command, Path dir) {
        this.command = command;
        this.config = dir.resolve("conf");
        this.queue = dir.resolve("queue");
        this.mail = dir.resolve("mail");
        this.maillog = dir.resolve("maillog");
    }

    /**
     * Fails the calling test when Postfix cannot be run here (not installed, or not root),
     * naming {@code .ci/run}; skips it instead when {@link #OPT_OUT} is set.
     */
    public static Path require() {
        Path command = find("postfix");
        String problem = null;
        if (command == null) {
            problem = "Postfix is not installed, but this test delivers through a real Postfix:"
                    + " .ci/run installs it (debconf \"postfix postfix/main_mailer_type select"
                    + " No configuration\", then apt-get install postfix)";
        } else if (!isRoot()) {
            problem = "this test starts a private Postfix instance, and Postfix's master must"
                    + " start as root (as .ci/run runs the tests)";
        }
        if (problem != null) {
            if (System.getenv(OPT_OUT) != null) {
                // a skipped class shows as "Tests run: 0" only: say why where people look
                System.err.println("SKIPPED the real-Postfix tests: " + problem + "; " + OPT_OUT
                        + " is set");
            }
            Assumptions.assumeTrue(System.getenv(OPT_OUT) == null, problem + "; skipped"
                    + " because " + OPT_OUT + " is set");
            fail(problem + ". Set " + OPT_OUT + "=1 to skip it knowingly.");
        }
        return command;
    }

    /**
     * Writes the configuration and starts the instance under {@code dir} (which must not
     * exist yet or be empty), delivering mail for {@code addresses} into one Maildir each.
     */
    public static PostfixInstance start(Path dir, Collection<String> addresses)
            throws IOException {
        PostfixInstance postfix = new PostfixInstance(require(), dir);
        postfix.layOut(addresses);
        // the free port is found by binding and closing, so another process may take it
        // before Postfix binds it: then a second port is tried
        for (int attempt = 1; ; attempt++) {
            postfix.port = freePort();
            postfix.writeConfig(addresses);
            ExternalTool.Result started = postfix.postfix("start");
            if (started.ok()) {
                return postfix;
            }
            if (attempt == 3 || !postfix.maillog().contains("Address already in use")) {
                fail("postfix -c " + postfix.config + " start failed: " + started.lastWords()
                        + "\nmaillog:\n" + postfix.maillog());
            }
        }
    }

    private void layOut(Collection<String> addresses) throws IOException {
        for (Path folder : List.of(config, queue, mail)) {
            Files.createDirectories(folder);
        }
        // the postfix user reaches its queue, and "nobody" the mail folder, through the
        // test's temp folders, which are private to root when made
        for (Path up = config.getParent(); up != null; up = up.getParent()) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(up);
            if (mode.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(up, mode);
            }
        }
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxrwxrwx"));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no addresses to deliver to");
        }
    }

    private void writeConfig(Collection<String> addresses) throws IOException {
        String uid = ExternalTool.check("id", "-u", MAILBOX_USER).stdoutText().strip();
        String gid = ExternalTool.check("id", "-g", MAILBOX_USER).stdoutText().strip();
        Set<String> domains = new TreeSet<>();
        List<String> mailboxes = new ArrayList<>();
        for (String address : addresses) {
            String lower = address.toLowerCase(Locale.ROOT);
            domains.add(lower.substring(lower.indexOf('@') + 1));
            // a trailing slash makes it a Maildir
            mailboxes.add(lower + "=" + lower + "/");
        }
        String main = String.join("\n",
                "# written by " + PostfixInstance.class.getName() + " for one test run",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + queue.resolveSibling("data"),
                "maillog_file = " + maillog,
                "maillog_file_prefixes = " + maillog.getParent(),
                "myhostname = postfix-e2e.test",
                "mydomain = postfix-e2e.test",
                "myorigin = postfix-e2e.test",
                "mydestination =",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "# not even the clients in mynetworks may relay: only the Maildirs below",
                "smtpd_relay_restrictions = reject_unauth_destination",
                "smtpd_peername_lookup = no",
                "# headers reach the Maildir as they came in: no address rewriting",
                "local_header_rewrite_clients =",
                "default_transport = error:this test instance sends nothing anywhere",
                "relay_transport = error:this test instance sends nothing anywhere",
                "local_transport = error:this test instance has no local mailboxes",
                "disable_dns_lookups = yes",
                "smtp_dns_support_level = disabled",
                "alias_maps =",
                "alias_database =",
                "virtual_mailbox_domains = " + String.join(", ", domains),
                "virtual_mailbox_base = " + mail,
                "virtual_mailbox_maps = inline:{" + String.join(", ", mailboxes) + "}",
                "virtual_uid_maps = static:" + uid,
                "virtual_gid_maps = static:" + gid,
                "biff = no",
                "");
        Files.writeString(config.resolve("main.cf"), main);
        Files.writeString(config.resolve("master.cf"), masterCf());
    }

    /** The services a receive-and-deliver instance needs, none chrooted, no SMTP client. */
    private String masterCf() {
        return String.join("\n",
                "127.0.0.1:" + port + " inet n - n - - smtpd",
                "pickup    unix  n  -  n  60   1  pickup",
                "cleanup   unix  n  -  n  -    0  cleanup",
                "qmgr      unix  n  -  n  300  1  qmgr",
                "rewrite   unix  -  -  n  -    -  trivial-rewrite",
                "bounce    unix  -  -  n  -    0  bounce",
                "defer     unix  -  -  n  -    0  bounce",
                "trace     unix  -  -  n  -    0  bounce",
                "verify    unix  -  -  n  -    1  verify",
                "flush     unix  n  -  n  1000? 0 flush",
                "proxymap  unix  -  -  n  -    -  proxymap",
                "showq     unix  n  -  n  -    -  showq",
                "error     unix  -  -  n  -    -  error",
                "retry     unix  -  -  n  -    -  error",
                "discard   unix  -  -  n  -    -  discard",
                "virtual   unix  -  n  n  -    -  virtual",
                "anvil     unix  -  -  n  -    1  anvil",
                "scache    unix  -  -  n  -    1  scache",
                "postlog   unix-dgram n - n - 1 postlogd",
                "");
    }

    /** The port of the SMTP listener on 127.0.0.1. */
    public int port() {
        return port;
    }

    /**
     * Waits until {@code expected} copies are in the Maildirs and Postfix's queues are empty
     * (so that no further copy is on its way), then returns every copy.
     */
    public List<Copy> awaitCopies(int expected, Duration deadline) {
        try {
            Poll.until(deadline, expected + " copies in the Maildirs and an empty queue",
                    () -> files().size() >= expected && queued() == 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + files().size()
                    + " copies, " + queued() + " queued; maillog:\n" + maillog(), e);
        }
        return files().stream().map(PostfixInstance::read).toList();
    }

    private List<Path> files() {
        try (Stream<Path> walk = Files.walk(mail)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long queued() {
        long n = 0;
        for (String name : QUEUES) {
            try (Stream<Path> walk = Files.walk(queue.resolve(name))) {
                n += walk.filter(Files::isRegularFile).count();
            } catch (IOException e) {
                // a queue folder not made yet holds nothing
            }
        }
        return n;
    }

    /** Reads a Maildir file and takes off the fields Postfix added on top. */
    static Copy read(Path file) {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String returnPath = null;
        String deliveredTo = null;
        String queueId = null;
        int pos = 0;
        while (queueId == null) {
            int end = fieldEnd(text, pos);
            String field = text.substring(pos, end);
            String name = field.substring(0, Math.max(0, field.indexOf(':')))
                    .toLowerCase(Locale.ROOT);
            String value = field.substring(field.indexOf(':') + 1).strip();
            switch (name) {
                case "return-path" -> returnPath = value;
                case "delivered-to" -> deliveredTo = value;
                case "x-original-to" -> { }
                case "received" -> queueId = queueId(value, file);
                default -> throw new AssertionError(file + ": expected Postfix's trace fields"
                        + " on top, found: " + field.strip());
            }
            pos = end;
        }
        byte[] message = text.substring(pos).replaceAll("(?<!\r)\n", "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        return new Copy(file, returnPath, deliveredTo, queueId, message);
    }

    /** Where the header field starting at {@code pos} ends, folded lines included. */
    private static int fieldEnd(String text, int pos) {
        int end = pos;
        do {
            int newline = text.indexOf('\n', end);
            if (newline < 0) {
                throw new AssertionError("a Maildir file ends inside its header");
            }
            end = newline + 1;
        } while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t'));
        return end;
    }

    private static String queueId(String received, Path file) {
        Matcher m = QUEUE_ID.matcher(received.replaceAll("\\s+", " "));
        if (!m.find()) {
            throw new AssertionError(file + ": the first Received field is not Postfix's: "
                    + received);
        }
        return m.group(1);
    }

    /** Postfix's log, where its commands and daemons write (there is no syslog in tests). */
    public String maillog() {
        try {
            return Files.exists(maillog) ? Files.readString(maillog, StandardCharsets.UTF_8)
                    : "(no maillog)";
        } catch (IOException e) {
            return "(cannot read the maillog: " + e.getMessage() + ")";
        }
    }

    private ExternalTool.Result postfix(String verb) {
        return ExternalTool.run(List.of(command.toString(), "-c", config.toString(), verb));
    }

    /** {@code postfix stop}, then waits for the master process to be gone. */
    @Override
    public void close() {
        long master = masterPid();
        ExternalTool.Result stopped = postfix("stop");
        if (!stopped.ok()) {
            fail("postfix -c " + config + " stop failed: " + stopped.lastWords()
                    + "\nmaillog:\n" + maillog());
        }
        if (master > 0) {
            Poll.until(Duration.ofSeconds(20), "Postfix's master (pid " + master + ") to exit",
                    () -> ProcessHandle.of(master).map(p -> !p.isAlive()).orElse(true));
        }
    }

    private long masterPid() {
        try {
            return Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    private static Path find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
                .split(":")));
        dirs.addAll(SBIN);
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The recipients of {@code copies}, lower-cased, for messages from one queue id. */
    public static Set<String> recipients(Collection<Copy> copies) {
        return copies.stream().map(c -> c.deliveredTo().toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
