package io.llmaos.server.telemetry;

import io.llmaos.server.api.ApiObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Requests by API, model and gRPC status as they end ({@code llmaos.api.requests}) and their time in
 * the server by API and status ({@code llmaos.api.duration}). A request that failed before a served
 * model was found is counted under model {@value #UNKNOWN}, so a client cannot mint label values; the
 * label sets are kept once made (for at most {@value #MAX_MODELS} models; more share model {@value #OTHER}).
 */
public final class ApiCounters implements ApiObserver {
    static final AttributeKey<String> API = AttributeKey.stringKey("api");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    static final String UNKNOWN = "(unknown)";
    static final String OTHER = "(other)";
    static final int MAX_MODELS = 512;

    private final LongCounter requests;
    private final DoubleHistogram duration;
    /**
     * The label sets of each model, made once: one per (API, status) slot. APIs and statuses come as
     * constants, so a request costs one lookup by model and one by (API, status).
     */
    private final Map<String, AtomicReferenceArray<Sets>> byModel = new ConcurrentHashMap<>();
    /** The slot of each (API, status) pair met so far: at most 5 APIs times 17 gRPC codes. */
    private final Map<String, Map<String, Integer>> slots = new ConcurrentHashMap<>();

    private final AtomicInteger nextSlot = new AtomicInteger();
    private static final int SLOTS = 256;

    /** The counter's and the histogram's label set of one (model, API, status). */
    private record Sets(Attributes counted, Attributes timed) {}

    public ApiCounters(Meter meter) {
        requests = meter.counterBuilder("llmaos.api.requests")
                .setUnit("{request}")
                .setDescription("Requests that ended, by API, model and gRPC status")
                .build();
        duration = meter.histogramBuilder("llmaos.api.duration")
                .setUnit("s")
                .setDescription("Time of a request in the server, by API and gRPC status")
                .setExplicitBucketBoundariesAdvice(RequestHistograms.SECONDS)
                .build();
    }

    @Override
    public void ended(String api, String model, String status, long totalNanos) {
        String m = model == null ? UNKNOWN : model;
        int slot = Math.min(slot(api, status), SLOTS - 1);
        AtomicReferenceArray<Sets> sets = byModel.get(m);
        if (sets == null) {
            if (byModel.size() >= MAX_MODELS) {
                m = OTHER;
            }
            sets = byModel.computeIfAbsent(m, k -> new AtomicReferenceArray<>(SLOTS));
        }
        Sets a = sets.get(slot);
        if (a == null) {
            // racing threads make equal sets: either may stay
            a = new Sets(
                    Attributes.of(API, api, ServerMetrics.MODEL, m, STATUS, status),
                    Attributes.of(API, api, STATUS, status));
            sets.set(slot, a);
        }
        requests.add(1, a.counted());
        duration.record(totalNanos / 1e9, a.timed());
    }

    private int slot(String api, String status) {
        Map<String, Integer> ofApi = slots.get(api);
        Integer slot = ofApi == null ? null : ofApi.get(status);
        if (slot == null) {
            slot = slots.computeIfAbsent(api, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(status, k -> nextSlot.getAndIncrement());
        }
        return slot;
    }
}
