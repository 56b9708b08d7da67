package org.smimepickup.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pickup folder fails under a running daemon: missing, replaced by a plain file,
 * read-only, full. Messages wait in {@code deferred/} (never {@code failed/}), no partial file
 * appears in the pickup folder, and everything goes out once the folder recovers. The pickup
 * and staging folders live on a small tmpfs the test mounts, so "full" and "read-only" are
 * real for root too.
 */
class DownstreamFaultTest {
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @TempDir
    Path root;

    private ChaosRig rig;
    private TmpfsMount mount;
    private Path pickup;

    @BeforeEach
    void layOut() throws Exception {
        rig = ChaosRig.create(root.resolve("rig"));
        mount = TmpfsMount.mount(root.resolve("mnt"), "16m");
        pickup = Files.createDirectories(mount.dir().resolve("pickup"));
        rig.layout().set("pickup.dir", pickup.toString()).set("pickup.staging.dir",
                Files.createDirectories(mount.dir().resolve("staging")).toString());
    }

    @AfterEach
    void unmount() {
        if (mount != null) {
            mount.close();
        }
    }

    /** One way to break the pickup folder, and the way to mend it. */
    private interface Fault {
        void inject() throws Exception;

        void mend() throws Exception;
    }

    @Test
    void missingPickupFolderDefersUntilItIsBack() throws Exception {
        fault("pickup-missing", 20, new Fault() {
            public void inject() throws IOException {
                Files.delete(pickup);
            }

            public void mend() throws IOException {
                Files.createDirectory(pickup);
            }
        });
    }

    @Test
    void pickupPathThatIsAPlainFileDefersUntilItIsAFolderAgain() throws Exception {
        fault("pickup-plain-file", 20, new Fault() {
            public void inject() throws IOException {
                Files.delete(pickup);
                Files.writeString(pickup, "not a folder");
            }

            public void mend() throws IOException {
                Files.delete(pickup);
                Files.createDirectory(pickup);
            }
        });
    }

    @Test
    void readOnlyPickupFilesystemDefersUntilItIsWritable() throws Exception {
        fault("pickup-read-only", 20, new Fault() {
            public void inject() {
                mount.readOnly(true);
            }

            public void mend() {
                mount.readOnly(false);
            }
        });
    }

    @Test
    @Tag("reduced")
    void fullPickupFilesystemDefersUntilThereIsRoom() throws Exception {
        fault("pickup-full", 20, fillUp());
    }

    @Test
    @Tag("chaos")
    void fullPickupFilesystemUnderAThousandMessagesLosesNothing() throws Exception {
        fault("pickup-full-load", 1_000, fillUp());
    }

    private Fault fillUp() {
        Path filler = mount.dir().resolve("filler");
        return new Fault() {
            public void inject() throws IOException {
                try (OutputStream out = Files.newOutputStream(filler)) {
                    byte[] block = new byte[64 * 1024];
                    while (true) {
                        out.write(block);
                    }
                } catch (IOException full) {
                    assertThat(full.getMessage()).contains("No space left");
                }
            }

            public void mend() throws IOException {
                Files.delete(filler);
            }
        };
    }

    private void fault(String scenario, int messages, Fault fault) throws Exception {
        int deferredAtMost;
        long recoveredMillis;
        try (ChaosDaemon daemon = ChaosDaemon.run(rig.config())) {
            daemon.await(DEADLINE, "start-up", () -> daemon.log().contains("running"));
            fault.inject();
            rig.burst("d", messages);
            daemon.await(DEADLINE, "all deferred", () -> rig.tally().deferred() == messages);
            assertThat(rig.tally().failed()).isZero();
            assertThat(ChaosRig.count(pickup)).as("files in the broken pickup folder").isZero();
            deferredAtMost = rig.tally().deferred();

            long mended = System.nanoTime();
            fault.mend();
            daemon.await(DEADLINE, "all done", () -> rig.tally().done() == messages);
            recoveredMillis = (System.nanoTime() - mended) / 1_000_000;
            daemon.stop();
        }
        List<byte[]> outputs = new ArrayList<>();
        int partial = 0;
        for (Path output : ChaosRig.entries(pickup)) {
            outputs.add(Files.readAllBytes(output));
            partial += Outputs.pickupProblem(output) == null ? 0 : 1;
        }
        Map<String, Integer> byId = Outputs.byMessageId(outputs);
        ChaosRig.Tally tally = rig.tally();
        Figures.report(scenario, "messages", messages, "deferred-at-most", deferredAtMost,
                "done", tally.done(), "failed", tally.failed(), "outputs", outputs.size(),
                "duplicates", Outputs.duplicates(byId), "partial", partial,
                "recovered-in-seconds", recoveredMillis / 1000);
        assertThat(tally.failed() + tally.deferred() + tally.inbox() + tally.work()).isZero();
        assertThat(byId).hasSize(messages);
        assertThat(outputs).hasSize(messages);
        assertThat(partial).isZero();
        assertThat(ChaosRig.count(mount.dir().resolve("staging"))).as("staging leftovers")
                .isZero();
    }
}
