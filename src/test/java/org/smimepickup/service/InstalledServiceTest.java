package org.smimepickup.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install DESTDIR=...} into a temp folder, then the installed tree as an operator
 * would use it: the launcher started as systemd starts it, the unit checked by
 * {@code systemd-analyze verify}, sysusers.d and tmpfiles.d applied to a scratch root.
 */
class InstalledServiceTest {
    private static final Path PROJECT = Path.of(System.getProperty("project.root", "."));
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path shared;

    private static Path jar;
    private static Path destdir;

    @TempDir
    Path dir;

    /** A jar laid out as the build makes it (classes, lib/ beside it), then installed once. */
    @BeforeAll
    static void installIntoATempDestdir() throws Exception {
        jar = buildJar(shared.resolve("build"));
        destdir = shared.resolve("dest");
        make("install", destdir);
    }

    @Test
    void installPutsEveryPieceUnderPrefix() {
        assertThat(destdir.resolve("usr/lib/smime-pickup/smime-pickup.jar")).isRegularFile();
        assertThat(destdir.resolve("usr/lib/smime-pickup/lib")).isDirectoryContaining(
                "glob:**/jna-*.jar");
        assertThat(destdir.resolve("usr/bin/smime-pickup")).isExecutable();
        assertThat(destdir.resolve("usr/lib/systemd/system/smime-pickup.service")).content()
                .contains("ExecStart=/usr/bin/smime-pickup run --config"
                        + " /etc/smime-pickup/smime-pickup.conf");
        assertThat(destdir.resolve("usr/lib/sysusers.d/smime-pickup.conf")).isRegularFile();
        assertThat(destdir.resolve("usr/lib/tmpfiles.d/smime-pickup.conf")).isRegularFile();
        assertThat(destdir.resolve("usr/share/man/man8/smime-pickup.8")).isRegularFile();
        assertThat(destdir.resolve("etc/smime-pickup/smime-pickup.conf")).isRegularFile();
    }

    @Test
    void anExistingConfigIsNeverOverwritten() throws Exception {
        Path dest = dir.resolve("dest");
        Path config = dest.resolve("etc/smime-pickup/smime-pickup.conf");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "mode = sign\n");

        make("install", dest);

        assertThat(config).hasContent("mode = sign");
    }

    @Test
    void uninstallRemovesWhatInstallAddedAndKeepsTheConfig() throws Exception {
        Path dest = dir.resolve("dest");
        make("install", dest);

        make("uninstall", dest);

        try (Stream<Path> left = Files.walk(dest)) {
            assertThat(left.filter(Files::isRegularFile).map(f -> dest.relativize(f).toString()))
                    .containsExactly("etc/smime-pickup/smime-pickup.conf");
        }
    }

    @Test
    void theInstalledDaemonReportsEveryStateToSystemd() throws Exception {
        ServiceFixture fixture = ServiceFixture.create(dir.resolve("svc"), "mode = sign");
        try (NotifyReceiver systemd = new NotifyReceiver(dir.resolve("notify").toString())) {
            Process daemon = startInstalled(fixture, systemd.name());
            try {
                systemd.await("READY=1", DEADLINE);
                systemd.await("WATCHDOG=1", DEADLINE);
                fixture.drop("installed.eml");
                systemd.await("STATUS=mode sign; since start: done 1", DEADLINE);

                ServiceFixture.signal(daemon, "HUP");
                systemd.await("RELOADING=1", DEADLINE);
                systemd.awaitAfter("RELOADING=1", "READY=1", DEADLINE);

                assertThat(ServiceFixture.terminate(daemon)).isEqualTo(128 + 15);
                systemd.await("STOPPING=1", DEADLINE);
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    @Test
    void theInstalledUnitPassesSystemdAnalyzeVerify() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze missing: apt-get install systemd");
        // verify checks that ExecStart exists and that Documentation's man page resolves:
        // point both into DESTDIR, everything else is the unit as installed
        Path launcher = destdir.resolve("usr/bin/smime-pickup");
        String unit = Files.readString(destdir.resolve(
                "usr/lib/systemd/system/smime-pickup.service"))
                .replace("ExecStart=/usr/bin/smime-pickup", "ExecStart=" + launcher);
        Path copy = Files.writeString(dir.resolve("smime-pickup.service"), unit);

        Result verify = exec(Map.of("MANPATH", destdir.resolve("usr/share/man").toString()),
                "systemd-analyze", "verify", copy.toString());

        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
    }

    @Test
    void sysusersAndTmpfilesCreateTheUserAndTheSpool() throws Exception {
        assumeTrue(onPath("systemd-sysusers") && onPath("systemd-tmpfiles"),
                "systemd-sysusers/systemd-tmpfiles missing: apt-get install systemd");
        assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        for (String db : List.of("passwd", "group", "shadow", "gshadow")) {
            Files.createFile(root.resolve("etc").resolve(db));
        }

        Result users = exec(Map.of(), "systemd-sysusers", "--root=" + root,
                destdir.resolve("usr/lib/sysusers.d/smime-pickup.conf").toString());
        Result dirs = exec(Map.of(), "systemd-tmpfiles", "--create", "--root=" + root,
                destdir.resolve("usr/lib/tmpfiles.d/smime-pickup.conf").toString());

        assertThat(users.exit()).as(users.output()).isZero();
        assertThat(root.resolve("etc/passwd")).content().startsWith("smime-pickup:x:");
        assertThat(dirs.exit()).as(dirs.output()).isZero();
        for (String sub : List.of("work", "done", "failed", "deferred", "tmp")) {
            assertThat(root.resolve("var/spool/smime-in").resolve(sub)).isDirectory();
        }
        assertThat(Files.getPosixFilePermissions(root.resolve("var/spool/smime-in/work")))
                .hasSize(5);
    }

    private Process startInstalled(ServiceFixture fixture, String notifySocket)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(destdir.resolve("usr/bin/smime-pickup")
                .toString(), "run", "--config", fixture.config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("installed.log").toFile());
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        builder.environment().put("JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        builder.environment().put("NOTIFY_SOCKET", notifySocket);
        builder.environment().put("WATCHDOG_USEC", "2000000");
        return builder.start();
    }

    private static void make(String target, Path dest) throws Exception {
        Result make = exec(Map.of(), "make", "-s", "-C", PROJECT.toString(), target,
                "DESTDIR=" + dest, "PREFIX=/usr", "JAR=" + jar);
        assertThat(make.exit()).as(make.output()).isZero();
    }

    private record Result(int exit, String output) {
    }

    private static Result exec(Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The main classes as {@code smime-pickup.jar} with every class path jar in {@code lib/},
     * as {@code mvn package} lays them out (the package phase runs after the tests).
     */
    private static Path buildJar(Path build) throws IOException {
        Path lib = Files.createDirectories(build.resolve("lib"));
        Path classes = null;
        List<String> classPath = new ArrayList<>();
        for (String entry : ServiceFixture.classPath().split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path.resolve("org/smimepickup/cli/Main.class"))) {
                classes = path;
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                Files.copy(path, lib.resolve(path.getFileName()));
                classPath.add("lib/" + path.getFileName());
            }
        }
        assertThat(classes).as("main classes on the test class path").isNotNull();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.smimepickup.cli.Main");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        Path jarFile = build.resolve("smime-pickup.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jarFile), manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jarFile;
    }
}
