package org.smimepickup.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

// separate thread: a blocking open() of a FIFO cannot be interrupted, only abandoned
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpoolTest {
    private static final String MESSAGE = "From: a@b.example\r\nTo: c@d.example\r\n\r\nhi\r\n";

    @TempDir
    Path root;

    private Spool spool;

    @BeforeEach
    void prepareSpool() throws IOException {
        spool = new Spool(root.resolve("spool"));
        spool.prepare();
    }

    @Test
    void startUpRemovesOldScratchFilesButLeavesRecentOnes() throws IOException {
        Path old = Files.writeString(spool.tmp().resolve(".a-0.scratch"), "ciphertext");
        Path recent = Files.writeString(spool.tmp().resolve(".b-0.scratch"), "in use");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(7200)));

        spool.prepare();

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }

    @Test
    void claimMovesTheFileIntoWorkAndASecondClaimOfTheSameNameGetsNothing() throws IOException {
        Path file = drop("m1.eml");

        try (Claim claim = spool.claim(spool.inbox(), "m1.eml", false)) {
            assertThat(claim).isNotNull();
            assertThat(claim.path()).isEqualTo(spool.work().resolve("m1.eml"));
            assertThat(claim.isRegularFile()).isTrue();
            assertThat(new String(claim.read(1024), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
            assertThat(file).doesNotExist();

            assertThat(spool.claim(spool.inbox(), "m1.eml", false)).isNull();
        }
        assertThat(spool.work().resolve("m1.eml")).hasContent(MESSAGE);
    }

    @Test
    void readReturnsEveryByteUpToTheLimitAndNothingBeyondIt() throws IOException {
        byte[] content = new byte[70_000];
        new java.util.Random(7).nextBytes(content);
        Files.write(spool.inbox().resolve("exact.eml"), content);
        Files.write(spool.inbox().resolve("over.eml"), content);
        Files.write(spool.inbox().resolve("empty.eml"), new byte[0]);

        try (Claim exact = spool.claim(spool.inbox(), "exact.eml", false);
                Claim over = spool.claim(spool.inbox(), "over.eml", false);
                Claim empty = spool.claim(spool.inbox(), "empty.eml", false)) {
            assertThat(exact.read(content.length)).isEqualTo(content);
            assertThat(over.read(content.length - 1)).isNull();
            assertThat(empty.read(10)).isEmpty();
        }
    }

    @Test
    void readTakesWhatAProducerAppendedAfterTheClaimLookedAtTheSize() throws IOException {
        Path file = drop("growing.eml");
        byte[] tail = new byte[50_000];
        java.util.Arrays.fill(tail, (byte) 'x');

        try (Claim claim = spool.claim(spool.inbox(), "growing.eml", false)) {
            Files.write(claim.path(), tail, java.nio.file.StandardOpenOption.APPEND);

            byte[] read = claim.read(1 << 20);
            assertThat(read).hasSize(MESSAGE.length() + tail.length);
            assertThat(new String(read, 0, MESSAGE.length(), StandardCharsets.US_ASCII))
                    .isEqualTo(MESSAGE);
        }
        assertThat(file).doesNotExist();
    }

    @Test
    void readOfAFileThatGrewPastTheLimitIsRefused() throws IOException {
        drop("grew.eml");

        try (Claim claim = spool.claim(spool.inbox(), "grew.eml", false)) {
            Files.write(claim.path(), new byte[100_000], java.nio.file.StandardOpenOption.APPEND);

            assertThat(claim.read(MESSAGE.length() + 20_000)).isNull();
        }
    }

    @Test
    void claimOfANameAlreadyInWorkLeavesTheNewFileInTheInbox() throws IOException {
        Files.writeString(spool.work().resolve("same.eml"), "being worked on");
        Path file = drop("same.eml");

        assertThat(spool.claim(spool.inbox(), "same.eml", false)).isNull();

        assertThat(file).hasContent(MESSAGE);
        assertThat(spool.work().resolve("same.eml")).hasContent("being worked on");
    }

    @Test
    void listIgnoresHiddenNamesTmpNamesAndFolders() throws IOException {
        drop("a.eml");
        drop("b");
        drop(".partial.eml");
        drop("c.eml.tmp");
        Files.createDirectory(spool.inbox().resolve("sub"));

        assertThat(spool.list(spool.inbox())).containsExactlyInAnyOrder("a.eml", "b");
        assertThat(Spool.isIgnored(".x")).isTrue();
        assertThat(Spool.isIgnored("x.tmp")).isTrue();
        assertThat(Spool.isIgnored("x.tmp.eml")).isFalse();
    }

    @Test
    void fileHeldWithFlockByItsWriterIsNotClaimedUntilReleased() throws IOException {
        Path file = drop("locked.eml");

        try (ProducerLock writer = ProducerLock.flock(file)) {
            assertThat(spool.claim(spool.inbox(), "locked.eml", false)).isNull();
            assertThat(spool.claim(spool.inbox(), "locked.eml", true)).isNull();
            assertThat(file).exists();
        }

        assertThat(ProducerLock.isFlocked(file)).isFalse();
        try (Claim claim = spool.claim(spool.inbox(), "locked.eml", false)) {
            assertThat(claim).isNotNull();
        }
    }

    @Test
    void fileWithAnFcntlLockHeldByAnotherProcessIsNotClaimed() throws IOException {
        Path file = drop("posix.eml");

        try (ProducerLock writer = ProducerLock.fcntl(file)) {
            assertThat(spool.claim(spool.inbox(), "posix.eml", false)).isNull();
            assertThat(file).exists();
        }

        try (Claim claim = spool.claim(spool.inbox(), "posix.eml", false)) {
            assertThat(claim).isNotNull();
        }
    }

    @Test
    void recoverWorkReturnsOrphansToTheInboxButLeavesALiveClaimAlone() throws IOException {
        Files.writeString(spool.work().resolve("orphan.eml"), MESSAGE);
        drop("live.eml");

        try (Claim live = spool.claim(spool.inbox(), "live.eml", false)) {
            assertThat(spool.recoverWork()).isEqualTo(1);

            assertThat(spool.inbox().resolve("orphan.eml")).hasContent(MESSAGE);
            assertThat(spool.work().resolve("orphan.eml")).doesNotExist();
            assertThat(live.path()).exists();
            assertThat(spool.inbox().resolve("live.eml")).doesNotExist();
        }
    }

    @Test
    void recoveredOrphanDoesNotReplaceANewerFileOfTheSameName() throws IOException {
        Files.writeString(spool.work().resolve("dup.eml"), "orphan");
        Files.writeString(spool.inbox().resolve("dup.eml"), "newer");

        assertThat(spool.recoverWork()).isEqualTo(1);

        assertThat(spool.inbox().resolve("dup.eml")).hasContent("newer");
        assertThat(spool.inbox().resolve("dup.eml.recovered")).hasContent("orphan");
    }

    @Test
    void moveNoReplaceNeverOverwritesAnExistingTarget() throws IOException {
        Path source = Files.writeString(root.resolve("source"), "source");
        Path target = Files.writeString(root.resolve("target"), "target");

        assertThat(Spool.moveNoReplace(source, target)).isFalse();
        assertThat(source).hasContent("source");
        assertThat(target).hasContent("target");

        assertThat(Spool.moveNoReplace(root.resolve("gone"), root.resolve("free"))).isFalse();
        assertThat(root.resolve("free")).doesNotExist();

        assertThat(Spool.moveNoReplace(source, root.resolve("free"))).isTrue();
        assertThat(root.resolve("free")).hasContent("source");
        assertThat(source).doesNotExist();
    }

    @Test
    void twoThreadsRacingOverTheSameInboxClaimDisjointSetsAndLoseNothing() throws Exception {
        int count = 200;
        for (int i = 0; i < count; i++) {
            drop("race-" + i + ".eml");
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Set<String>> first = pool.submit(() -> claimAll(start));
            Future<Set<String>> second = pool.submit(() -> claimAll(start));
            start.countDown();
            Set<String> a = first.get(30, TimeUnit.SECONDS);
            Set<String> b = second.get(30, TimeUnit.SECONDS);

            assertThat(a).doesNotContainAnyElementsOf(b);
            Set<String> all = new HashSet<>(a);
            all.addAll(b);
            assertThat(all).hasSize(count);
            assertThat(spool.list(spool.work())).hasSize(count);
            assertThat(spool.list(spool.inbox())).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Claims every name it lists, as a competing daemon would. */
    private Set<String> claimAll(CountDownLatch start) throws Exception {
        start.await();
        List<String> names = new ArrayList<>(spool.list(spool.inbox()));
        Set<String> won = new HashSet<>();
        for (String name : names) {
            try (Claim claim = spool.claim(spool.inbox(), name, false)) {
                if (claim != null) {
                    won.add(claim.name());
                }
            }
        }
        return won;
    }

    @Test
    void symlinkIsClaimedAsItIsWithoutFollowingIt() throws IOException {
        Path fifoOutside = mkfifo(root.resolve("outside-fifo"));
        Files.createSymbolicLink(spool.inbox().resolve("link.eml"), fifoOutside);

        try (Claim claim = spool.claim(spool.inbox(), "link.eml", false)) {
            assertThat(claim).isNotNull();
            assertThat(claim.isRegularFile()).isFalse();
            assertThat(claim.kind()).isEqualTo("a symbolic link");
            assertThat(Files.isSymbolicLink(claim.path())).isTrue();
            assertThat(Files.readSymbolicLink(claim.path())).isEqualTo(fifoOutside);
        }
        assertThat(fifoOutside).exists();
    }

    @Test
    void fifoIsClaimedWithoutBeingOpened() throws IOException {
        mkfifo(spool.inbox().resolve("pipe.eml"));

        // opening a FIFO for reading with no writer would block: the timeout catches that
        try (Claim claim = spool.claim(spool.inbox(), "pipe.eml", false)) {
            assertThat(claim).isNotNull();
            assertThat(claim.isRegularFile()).isFalse();
            assertThat(claim.kind()).isEqualTo("a FIFO, socket or device");
            assertThat(Files.readAttributes(claim.path(),
                    java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
        }
    }

    private Path drop(String name) throws IOException {
        return Files.writeString(spool.inbox().resolve(name), MESSAGE);
    }

    private static Path mkfifo(Path path) throws IOException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        Eventually.until(Duration.ofSeconds(10), "mkfifo " + path, () -> !mkfifo.isAlive());
        assertThat(mkfifo.exitValue()).as("mkfifo exit code").isZero();
        return path;
    }
}
