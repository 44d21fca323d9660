package io.llmaos.server.telemetry;

import io.llmaos.server.api.ApiObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests by API, model and gRPC status as they end ({@code llmaos.api.requests}) and their time in
 * the server by API and status ({@code llmaos.api.duration}). A request that failed before a served
 * model was found is counted under model {@value #UNKNOWN}, so a client cannot mint label values; the
 * label sets are kept once made (at most {@value #MAX_SETS}; more share model {@value #OTHER}).
 */
public final class ApiCounters implements ApiObserver {
    static final AttributeKey<String> API = AttributeKey.stringKey("api");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
    static final String UNKNOWN = "(unknown)";
    static final String OTHER = "(other)";
    static final int MAX_SETS = 4096;

    private final LongCounter requests;
    private final DoubleHistogram duration;
    private final Map<String, Attributes[]> sets = new ConcurrentHashMap<>();

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
        String key = api + '\u0000' + m + '\u0000' + status;
        Attributes[] a = sets.get(key);
        if (a == null) {
            if (sets.size() >= MAX_SETS) {
                m = OTHER;
                key = api + '\u0000' + m + '\u0000' + status;
            }
            String label = m;
            a = sets.computeIfAbsent(key, k -> new Attributes[] {
                Attributes.of(API, api, ServerMetrics.MODEL, label, STATUS, status),
                Attributes.of(API, api, STATUS, status)
            });
        }
        requests.add(1, a[0]);
        duration.record(totalNanos / 1e9, a[1]);
    }
}
