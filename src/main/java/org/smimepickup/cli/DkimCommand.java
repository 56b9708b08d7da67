package org.smimepickup.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smimepickup.dkim.DkimException;
import org.smimepickup.dkim.DkimKeyFile;
import org.smimepickup.dkim.DkimNames;
import org.smimepickup.dkim.DkimSnippets;
import org.smimepickup.dkim.DomainKey;
import org.smimepickup.dkim.KeyFormat;
import org.smimepickup.dkim.KeysDirectory;
import org.smimepickup.dkim.RsaKey;

/**
 * {@code dkim}: prints the DKIM configuration for PowerMTA, Momentum, DNS and OpenDKIM for one
 * domain (an existing key, or a new one) or for every key in a folder, and with {@code --out}
 * writes the key, its DNS record and a PowerMTA include file.
 */
final class DkimCommand {
    static final String USAGE = """
            usage: smime-pickup dkim --domain D --selector S (--key FILE | --generate
                                     [--bits 2048|3072|4096]) [--out DIR [--pkcs8] [--force]]
                   smime-pickup dkim --all --keys-dir DIR [--out DIR]
              --key FILE      an existing unencrypted RSA key (PEM, PKCS#1 or PKCS#8, mode 0600)
              --generate      make a new RSA key (2048 bits unless --bits); needs --out
              --out DIR       write S.D.pem (mode 0600), S.D.txt (the DNS record) and
                              pmta-dkim.conf (every S.D.pem key in DIR) into DIR
              --pkcs8         write the key as PKCS#8 (BEGIN PRIVATE KEY), not PKCS#1
              --force         replace an existing key file that holds another key
              --allow-1024    accept a legacy 1024-bit key (with a warning)
              --all           every SELECTOR.DOMAIN.pem in --keys-dir (SELECTOR._wildcard.pem
                              for PowerMTA's *), specific domains before the wildcard""";

    private static final Set<String> VALUED =
            Set.of("--domain", "--selector", "--key", "--bits", "--out", "--keys-dir");
    private static final Set<String> FLAGS =
            Set.of("--generate", "--pkcs8", "--force", "--allow-1024", "--all");

    private DkimCommand() {
    }

    /** What the command line asked for, checked for consistency. */
    record Request(String selector, String domain, Path key, boolean generate, int bits,
            boolean allow1024, Path out, KeyFormat format, boolean force, Path keysDir) {
        boolean all() {
            return keysDir != null;
        }
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Request request;
        try {
            request = parse(args);
        } catch (Options.UsageException e) {
            err.println("dkim: " + e.getMessage());
            err.println(USAGE);
            return Main.USAGE;
        }
        if (request == null) {
            out.println(USAGE);
            return Main.OK;
        }
        try {
            return request.all() ? all(request, out, err) : single(request, out, err);
        } catch (DkimException e) {
            err.println("dkim: " + e.getMessage());
            return Main.CONFIG;
        }
    }

    private static int single(Request request, PrintStream out, PrintStream err)
            throws DkimException {
        RsaKey key = request.generate()
                ? DkimKeyFile.generate(request.bits(), request.allow1024())
                : DkimKeyFile.read(request.key());
        warn(err, key.checkStrength(request.allow1024()));

        Path keyFile = request.out() == null ? request.key() : save(request, key, err);
        DomainKey domainKey = DomainKey.of(request.selector(), request.domain(), keyFile, key);
        out.print(new DkimSnippets(List.of(domainKey)).all());
        return Main.OK;
    }

    /** Writes key, record and include into --out; returns where the key now is. */
    private static Path save(Request request, RsaKey key, PrintStream err)
            throws DkimException {
        Path dir = createOutDir(request.out());
        Path keyFile = dir.resolve(DomainKey.keyFileName(request.selector(), request.domain()));
        DkimKeyFile.Written written =
                DkimKeyFile.write(keyFile, key, request.format(), request.force());
        err.println("dkim: " + switch (written) {
            case CREATED -> "wrote key " + keyFile + " (mode 0600)";
            case REPLACED -> "replaced key " + keyFile + "; publish the new DNS record";
            case UNCHANGED -> "key " + keyFile + " already holds this key; left as it is";
        });

        DomainKey domainKey = DomainKey.of(request.selector(), request.domain(), keyFile, key);
        Path record = dir.resolve(DomainKey.recordFileName(request.selector(), request.domain()));
        DkimKeyFile.writeText(record, DkimSnippets.zoneRecord(domainKey));
        err.println("dkim: wrote DNS record " + record);

        KeysDirectory.Scan scan = new KeysDirectory(dir).scan(request.allow1024());
        report(scan, err);
        writeInclude(dir, scan.keys(), err);
        return keyFile;
    }

    private static int all(Request request, PrintStream out, PrintStream err)
            throws DkimException {
        KeysDirectory.Scan scan = new KeysDirectory(request.keysDir()).scan(request.allow1024());
        report(scan, err);
        if (scan.keys().isEmpty()) {
            throw new DkimException("no usable key in " + request.keysDir() + ": expected"
                    + " files named SELECTOR.DOMAIN.pem; make one with: smime-pickup dkim"
                    + " --domain D --selector S --generate --out " + request.keysDir());
        }
        out.print(new DkimSnippets(scan.keys()).all());

        if (request.out() != null) {
            Path dir = createOutDir(request.out());
            for (DomainKey key : scan.keys()) {
                Path record = dir.resolve(DomainKey.recordFileName(key.selector(), key.domain()));
                DkimKeyFile.writeText(record, DkimSnippets.zoneRecord(key));
            }
            writeInclude(dir, scan.keys(), err);
        }
        return scan.problems().isEmpty() ? Main.OK : Main.SOME_FAILED;
    }

    private static void writeInclude(Path dir, List<DomainKey> keys, PrintStream err)
            throws DkimException {
        Path include = dir.resolve(DkimSnippets.PMTA_INCLUDE);
        DkimKeyFile.writeText(include, new DkimSnippets(keys).powerMta());
        err.println("dkim: wrote " + include + " (" + keys.size() + " key(s)); add to the"
                + " PowerMTA config: include " + include.toAbsolutePath());
    }

    /** The output folder, made private to its owner if it has to be created. */
    private static Path createOutDir(Path dir) throws DkimException {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            return dir;
        } catch (IOException e) {
            throw new DkimException("cannot create the output folder " + dir + ": "
                    + e.getMessage() + "; create it or choose another --out", e);
        }
    }

    private static void report(KeysDirectory.Scan scan, PrintStream err) {
        scan.warnings().forEach(warning -> err.println("dkim: " + warning));
        scan.problems().forEach(problem -> err.println("dkim: " + problem));
    }

    private static void warn(PrintStream err, String warning) {
        if (warning != null) {
            err.println("dkim: " + warning);
        }
    }

    /** The request, or null when help was asked for. */
    static Request parse(List<String> args) throws Options.UsageException {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            if (name.equals("--help") || name.equals("-h")) {
                return null;
            } else if (VALUED.contains(name)) {
                if (equals < 0 && i + 1 >= args.size()) {
                    throw new Options.UsageException(name + " needs a value");
                }
                values.put(name, equals > 0 ? arg.substring(equals + 1) : args.get(++i));
            } else if (FLAGS.contains(arg)) {
                flags.add(arg);
            } else {
                throw new Options.UsageException("unknown option or argument: " + arg);
            }
        }
        return flags.contains("--all") ? allRequest(values, flags) : singleRequest(values, flags);
    }

    private static Request singleRequest(Map<String, String> values, Set<String> flags)
            throws Options.UsageException {
        if (!values.containsKey("--domain") || !values.containsKey("--selector")) {
            throw new Options.UsageException("--domain and --selector are required"
                    + " (or --all --keys-dir DIR for every key in a folder)");
        }
        boolean generate = flags.contains("--generate");
        if (generate == values.containsKey("--key")) {
            throw new Options.UsageException("give either --key FILE (an existing key) or"
                    + " --generate (a new one)");
        }
        if (generate && !values.containsKey("--out")) {
            throw new Options.UsageException("--generate needs --out DIR: the new private key"
                    + " is written there and never printed");
        }
        if (!generate && values.containsKey("--bits")) {
            throw new Options.UsageException("--bits goes with --generate; an existing key"
                    + " keeps its size");
        }
        Path out = path(values.get("--out"));
        if (out == null && (flags.contains("--pkcs8") || flags.contains("--force"))) {
            throw new Options.UsageException("--pkcs8 and --force apply to the key file"
                    + " written with --out DIR");
        }
        return new Request(names(() -> DkimNames.selector(values.get("--selector"))),
                names(() -> DkimNames.domain(values.get("--domain"), true)),
                path(values.get("--key")), generate, bits(values.get("--bits")),
                flags.contains("--allow-1024"), out,
                flags.contains("--pkcs8") ? KeyFormat.PKCS8 : KeyFormat.PKCS1,
                flags.contains("--force"), null);
    }

    private static Request allRequest(Map<String, String> values, Set<String> flags)
            throws Options.UsageException {
        if (!values.containsKey("--keys-dir")) {
            throw new Options.UsageException("--all needs --keys-dir DIR, the folder with the"
                    + " SELECTOR.DOMAIN.pem keys");
        }
        for (String single : List.of("--domain", "--selector", "--key", "--bits")) {
            if (values.containsKey(single)) {
                throw new Options.UsageException(single + " does not go with --all, which"
                        + " takes every key in --keys-dir");
            }
        }
        for (String single : List.of("--generate", "--pkcs8", "--force")) {
            if (flags.contains(single)) {
                throw new Options.UsageException(single + " does not go with --all, which"
                        + " only reads keys");
            }
        }
        return new Request(null, null, null, false, 0, flags.contains("--allow-1024"),
                path(values.get("--out")), KeyFormat.PKCS1, false,
                Path.of(values.get("--keys-dir")));
    }

    private static int bits(String value) throws Options.UsageException {
        if (value == null) {
            return RsaKey.MIN_BITS;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Options.UsageException("--bits: not a number: " + value
                    + "; use 2048, 3072 or 4096");
        }
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    private interface NameCheck {
        String run() throws DkimException;
    }

    /** A bad selector or domain is a command-line error: exit code and usage follow. */
    private static String names(NameCheck check) throws Options.UsageException {
        try {
            return check.run();
        } catch (DkimException e) {
            throw new Options.UsageException(e.getMessage());
        }
    }
}
