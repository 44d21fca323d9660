package io.llmaos.loadtest.tool;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the callers of one step record as requests end, safe from any thread (HdrHistogram recorders,
 * adders); {@link #window} takes what was recorded since the last window and starts the next.
 * Latencies are in microseconds.
 */
final class Recording {
    private final Recorder latency = new Recorder(3);
    private final Recorder queue = new Recorder(3);
    private final Recorder compute = new Recorder(3);
    private final Recorder ttft = new Recorder(3);
    private final Recorder itl = new Recorder(3);
    private final Recorder tokensPerRequest = new Recorder(3);
    private final Recorder serverTtft = new Recorder(3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, Recorder> tagged = new ConcurrentHashMap<>();
    private long windowStart = System.nanoTime();

    /** A request answered after {@code latencyUs}, tagged (e.g. "priority=1"); the server's split when known (else -1). */
    void ok(long latencyUs, long queueUs, long computeUs, String[] tags) {
        long us = Math.max(1, latencyUs);
        latency.recordValue(us);
        if (queueUs >= 0) {
            queue.recordValue(queueUs);
        }
        if (computeUs >= 0) {
            compute.recordValue(computeUs);
        }
        for (String tag : tags) {
            tagged.computeIfAbsent(tag, t -> new Recorder(3)).recordValue(us);
        }
        ok.increment();
    }

    /** A request failed with gRPC status {@code code}. */
    void failed(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** A generation's first token, {@code us} after the request was sent. */
    void firstToken(long us) {
        ttft.recordValue(Math.max(1, us));
    }

    /** {@code count} further tokens that came {@code gapUs} after the previous message (the gap shared between them). */
    void tokens(int count, long gapUs) {
        tokens.add(count);
        if (gapUs >= 0 && count > 0) {
            itl.recordValueWithCount(Math.max(1, gapUs / count), count);
        }
    }

    /** A generation's first message's tokens (counted, with no inter-token gap). */
    void firstTokens(int count) {
        tokens.add(count);
    }

    /** A generation ended with {@code count} tokens; the server said its first came {@code serverTtftUs} after it arrived (-1: unsaid). */
    void generated(int count, long serverTtftUs) {
        tokensPerRequest.recordValue(Math.max(0, count));
        if (serverTtftUs >= 0) {
            serverTtft.recordValue(Math.max(1, serverTtftUs));
        }
    }

    /** What was recorded since the last call (or since this recording began). */
    synchronized WindowStats window() {
        long now = System.nanoTime();
        double seconds = (now - windowStart) / 1e9;
        windowStart = now;
        Map<String, Long> failed = new TreeMap<>();
        errors.forEach((code, n) -> {
            long v = n.sumThenReset();
            if (v > 0) {
                failed.put(code, v);
            }
        });
        Map<String, Histogram> byTag = new TreeMap<>();
        tagged.forEach((tag, r) -> byTag.put(tag, r.getIntervalHistogram()));
        return new WindowStats(
                seconds,
                ok.sumThenReset(),
                failed,
                latency.getIntervalHistogram(),
                queue.getIntervalHistogram(),
                compute.getIntervalHistogram(),
                byTag,
                ttft.getIntervalHistogram(),
                itl.getIntervalHistogram(),
                tokensPerRequest.getIntervalHistogram(),
                serverTtft.getIntervalHistogram(),
                tokens.sumThenReset());
    }

    /** What one window (or several, merged) measured. */
    record WindowStats(
            double seconds,
            long ok,
            Map<String, Long> errors,
            Histogram latency,
            Histogram queue,
            Histogram compute,
            Map<String, Histogram> byTag,
            Histogram ttft,
            Histogram itl,
            Histogram tokensPerRequest,
            Histogram serverTtft,
            long tokens) {
        double throughput() {
            return seconds <= 0 ? 0 : ok / seconds;
        }

        long p99() {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99);
        }

        /** These windows together. */
        static WindowStats merge(java.util.List<WindowStats> windows) {
            double seconds = 0;
            long ok = 0;
            long tokens = 0;
            Map<String, Long> errors = new TreeMap<>();
            Histogram latency = new Histogram(3);
            Histogram queue = new Histogram(3);
            Histogram compute = new Histogram(3);
            Histogram ttft = new Histogram(3);
            Histogram itl = new Histogram(3);
            Histogram perRequest = new Histogram(3);
            Histogram serverTtft = new Histogram(3);
            Map<String, Histogram> byTag = new TreeMap<>();
            for (WindowStats w : windows) {
                seconds += w.seconds;
                ok += w.ok;
                tokens += w.tokens;
                w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
                latency.add(w.latency);
                queue.add(w.queue);
                compute.add(w.compute);
                ttft.add(w.ttft);
                itl.add(w.itl);
                perRequest.add(w.tokensPerRequest);
                serverTtft.add(w.serverTtft);
                w.byTag.forEach((k, h) ->
                        byTag.computeIfAbsent(k, x -> new Histogram(3)).add(h));
            }
            return new WindowStats(
                    seconds, ok, errors, latency, queue, compute, byTag, ttft, itl, perRequest, serverTtft, tokens);
        }
    }
}
