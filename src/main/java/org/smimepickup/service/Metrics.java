package org.smimepickup.service;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters since the daemon started, in Prometheus text format: messages per outcome and a
 * histogram of the time one message takes from claim to settle. Outlives reloads (the daemon
 * hands it to every new dispatcher) so the counters only ever grow, as Prometheus expects.
 * Thread-safe; recording never blocks.
 */
final class Metrics {
    /** Upper bounds of the latency buckets, seconds; from a small message to a large one. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private static final Outcome[] SETTLED = {Outcome.DONE, Outcome.FAILED, Outcome.DEFERRED};

    private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
    // one more than BUCKETS: the last slot is +Inf; cumulative sums are made when rendering
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length + 1);
    private final LongAdder nanos = new LongAdder();

    Metrics() {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    /** Counts one attempt; skipped files (locked, claimed by another daemon) are not counted. */
    void record(Outcome outcome, long elapsedNanos) {
        if (outcome == Outcome.SKIPPED) {
            return;
        }
        outcomes[outcome.ordinal()].increment();
        double seconds = elapsedNanos / 1e9;
        int slot = 0;
        while (slot < BUCKETS.length && seconds > BUCKETS[slot]) {
            slot++;
        }
        buckets.incrementAndGet(slot);
        nanos.add(elapsedNanos);
    }

    /** The exposition text: counters, histogram, and {@code folders} as file counts. */
    String render(Map<String, Integer> folders) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP smime_pickup_messages_total Messages settled since the daemon"
                + " started, by outcome.\n# TYPE smime_pickup_messages_total counter\n");
        for (Outcome outcome : SETTLED) {
            out.append("smime_pickup_messages_total{outcome=\"")
                    .append(outcome.name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(outcomes[outcome.ordinal()].sum()).append('\n');
        }
        histogram(out);
        out.append("# HELP smime_pickup_spool_files Message files in each spool folder.\n"
                + "# TYPE smime_pickup_spool_files gauge\n");
        for (Map.Entry<String, Integer> folder : folders.entrySet()) {
            out.append("smime_pickup_spool_files{folder=\"").append(folder.getKey())
                    .append("\"} ").append(folder.getValue()).append('\n');
        }
        return out.toString();
    }

    private void histogram(StringBuilder out) {
        out.append("# HELP smime_pickup_message_seconds Time from claim to settle per"
                + " message.\n# TYPE smime_pickup_message_seconds histogram\n");
        long cumulative = 0;
        for (int slot = 0; slot <= BUCKETS.length; slot++) {
            cumulative += buckets.get(slot);
            String le = slot < BUCKETS.length ? Double.toString(BUCKETS[slot]) : "+Inf";
            out.append("smime_pickup_message_seconds_bucket{le=\"").append(le).append("\"} ")
                    .append(cumulative).append('\n');
        }
        // +Inf is read from the buckets, not from count, so the two never disagree mid-update
        out.append("smime_pickup_message_seconds_sum ")
                .append(String.format(Locale.ROOT, "%.6f", nanos.sum() / 1e9)).append('\n');
        out.append("smime_pickup_message_seconds_count ").append(cumulative).append('\n');
    }
}
