package org.smimepickup.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.smimepickup.failure.PermanentFailure;
import org.smimepickup.failure.TemporaryFailure;
import org.smimepickup.message.Addresses;
import org.smimepickup.spool.Claim;
import org.smimepickup.spool.RetryState;
import org.smimepickup.spool.Settler;
import org.smimepickup.spool.Spool;
import org.tinylog.Logger;

/**
 * Takes one candidate file through claim, pipeline and settle, and writes its one log line.
 * A bug in the pipeline fails that message with the exception named, never the daemon.
 * Thread-safe.
 */
final class Dispatcher {
    /** Shared by every dispatcher of the process: a reload must not double the budget. */
    private static final HeapBudget HEAP = HeapBudget.ofThisJvm();
    private final Spool spool;
    private final Settler settler;
    private final Pipeline pipeline;
    private final SpoolIds ids = new SpoolIds();
    private final long retryFirst;
    private final long retryMax;
    private final long giveUp;
    private final Metrics metrics;

    Dispatcher(Spool spool, Settler settler, Pipeline pipeline, long retryFirst, long retryMax,
            long giveUp, Metrics metrics) {
        this.metrics = metrics;
        this.spool = spool;
        this.settler = settler;
        this.pipeline = pipeline;
        this.retryFirst = retryFirst;
        this.retryMax = retryMax;
        this.giveUp = giveUp;
    }

    /** Handles {@code dir/name}; {@code daemon} waits for producers that are still writing. */
    Outcome handle(Path dir, String name, boolean daemon) {
        RetryState previous = null;
        Claim claim;
        try {
            if (dir.equals(spool.deferred())) {
                previous = RetryState.load(dir.resolve(name));
            }
            claim = spool.claim(dir, name, daemon);
        } catch (IOException e) {
            Logger.warn("cannot claim {}: {}", Addresses.printable(name), e.getMessage());
            return Outcome.SKIPPED;
        }
        if (claim == null) {
            return Outcome.SKIPPED;
        }
        if (previous != null) {
            deleteQuietly(RetryState.fileFor(dir.resolve(name)));
        }
        int charge = HEAP.take(claim.size());
        try (claim) {
            long started = System.nanoTime();
            Outcome outcome = attempt(claim, ids.next(), previous);
            metrics.record(outcome, System.nanoTime() - started);
            return outcome;
        } finally {
            HEAP.giveBack(charge);
        }
    }

    private Outcome attempt(Claim claim, String id, RetryState previous) {
        long started = System.nanoTime();
        String file = Addresses.printable(claim.name());
        try {
            Pipeline.Delivered delivered = pipeline.process(claim, id);
            claim.stampSettled();
            settler.done(claim.path(), id);
            Logger.info("{} from=<{}> rcpts={} action={} outcome=done to={} ms={} file=\"{}\"",
                    id, delivered.envelope().sender(), delivered.envelope().recipients().size(),
                    delivered.action(), delivered.where(), millis(started), file);
            return Outcome.DONE;
        } catch (PermanentFailure e) {
            return fail(claim, id, e.getMessage(), started, e.who(), file);
        } catch (TemporaryFailure e) {
            return defer(claim, id, previous, e.getMessage(), started, e.who(), file);
        } catch (IOException e) {
            Logger.warn("{} cannot settle \"{}\", left in work/ for recovery: {}", id, file,
                    e.getMessage());
            return Outcome.SKIPPED;
        } catch (RuntimeException e) {
            Logger.error(e, "{} internal error on \"{}\"", id, file);
            return fail(claim, id, "internal error (a bug, please report it): " + e, started,
                    "", file);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // this message's arrays and frames are unreachable once the stack unwinds; an
            // uncaught Error would end the worker thread for good and leave the file in work/,
            // to fail again at every start
            Logger.warn("{} \"{}\" does not fit in memory: {}", id, file, e.toString());
            return fail(claim, id, "too large or too deeply nested to process within the heap ("
                    + e + "); make it smaller, or give the daemon more heap (-Xmx in JAVA_OPTS)",
                    started, "", file);
        }
    }

    /** {@code who} is "from=&lt;S&gt; rcpts=N " when the envelope was read, else empty. */
    private Outcome fail(Claim claim, String id, String reason, long started, String who,
            String file) {
        try {
            settler.failed(claim.path(), id, reason);
        } catch (IOException e) {
            Logger.warn("{} cannot move \"{}\" to failed/, left in work/: {}", id, file,
                    e.getMessage());
            return Outcome.SKIPPED;
        }
        // INFO like every outcome line; the operator finds failures by outcome=failed
        Logger.info("{} {}outcome=failed ms={} file=\"{}\" reason: {}", id, who,
                millis(started), file, Addresses.printable(reason));
        return Outcome.FAILED;
    }

    private Outcome defer(Claim claim, String id, RetryState previous, String reason,
            long started, String who, String file) {
        long now = System.currentTimeMillis();
        RetryState next = RetryState.next(previous, reason, now, retryFirst, retryMax);
        if (now - next.firstFailureMillis() >= giveUp) {
            return fail(claim, id, "gave up after " + next.attempts() + " attempts; last: "
                    + reason, started, who, file);
        }
        try {
            settler.deferred(claim.path(), id, next);
        } catch (IOException e) {
            Logger.warn("{} cannot move \"{}\" to deferred/, left in work/: {}", id, file,
                    e.getMessage());
            return Outcome.SKIPPED;
        }
        Logger.info("{} {}outcome=deferred attempt={} retry-in={}s ms={} file=\"{}\" reason: {}",
                id, who, next.attempts(), (next.nextAttemptMillis() - now) / 1000,
                millis(started), file, Addresses.printable(reason));
        return Outcome.DEFERRED;
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale retry file only restarts the backoff
        }
    }
}
