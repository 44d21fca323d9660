package io.llmaos.server.telemetry;

import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.scheduler.SchedulerObserver;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * The histograms recorded as requests, batches and tokens happen: request, queue and compute time,
 * batch size, and for generation time to first token, inter-token latency and tokens generated.
 * Labels are bound once per served copy (and per priority level), never looked up per request.
 */
public final class RequestHistograms implements SchedulerObserver {
    /** Seconds from 0.1 ms to 60 s. */
    static final List<Double> SECONDS = List.of(
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
            60.0);

    static final List<Long> SIZES = List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1024L, 4096L);
    private static final int MAX_LEVELS = 64;

    private final DoubleHistogram request;
    private final DoubleHistogram queue;
    private final DoubleHistogram compute;
    private final LongHistogram batchSize;
    private final DoubleHistogram firstToken;
    private final DoubleHistogram interToken;
    private final DoubleHistogram sequence;
    private final LongCounter tokens;

    public RequestHistograms(Meter meter) {
        request = seconds(meter, "llmaos.request.duration", "Time of a served tensor request in the server");
        queue = seconds(meter, "llmaos.queue.duration", "Time a served request waited in its queue");
        compute = seconds(meter, "llmaos.compute.duration", "Engine time of the batch a request ran in");
        batchSize = meter.histogramBuilder("llmaos.batch.size")
                .ofLongs()
                .setUnit("{request}")
                .setDescription("Rows of an engine execution (sequences of a decode step)")
                .setExplicitBucketBoundariesAdvice(SIZES)
                .build();
        firstToken = seconds(
                meter, "llmaos.generation.time_to_first_token", "Time from a generation's arrival to its first token");
        interToken = seconds(meter, "llmaos.generation.inter_token_latency", "Time between two tokens of a sequence");
        sequence = seconds(meter, "llmaos.generation.duration", "Time from a generation's arrival to its end");
        tokens = meter.counterBuilder("llmaos.generation.tokens")
                .setUnit("{token}")
                .setDescription("Tokens generated")
                .build();
    }

    private static DoubleHistogram seconds(Meter meter, String name, String description) {
        return meter.histogramBuilder(name)
                .setUnit("s")
                .setDescription(description)
                .setExplicitBucketBoundariesAdvice(SECONDS)
                .build();
    }

    @Override
    public CopyObserver forCopy(ModelRef ref) {
        Attributes copy =
                Attributes.of(ServerMetrics.MODEL, ref.name(), ServerMetrics.VERSION, String.valueOf(ref.version()));
        Attributes[] levels = new Attributes[MAX_LEVELS + 1];
        return new CopyObserver() {
            @Override
            public void served(int level, long queueNanos, long computeNanos, long totalNanos) {
                int l = Math.max(0, Math.min(level, MAX_LEVELS));
                Attributes byLevel = levels[l];
                if (byLevel == null) {
                    byLevel = copy.toBuilder()
                            .put(ServerMetrics.PRIORITY, String.valueOf(l))
                            .build();
                    levels[l] = byLevel;
                }
                request.record(totalNanos / 1e9, byLevel);
                queue.record(queueNanos / 1e9, byLevel);
                compute.record(computeNanos / 1e9, copy);
            }

            @Override
            public void batch(int size) {
                batchSize.record(size, copy);
            }

            @Override
            public void firstToken(long nanos) {
                firstToken.record(nanos / 1e9, copy);
            }

            @Override
            public void nextToken(long nanos) {
                interToken.record(nanos / 1e9, copy);
            }

            @Override
            public void sequenceEnded(int generated, long totalNanos) {
                tokens.add(generated, copy);
                sequence.record(totalNanos / 1e9, copy);
            }
        };
    }
}
