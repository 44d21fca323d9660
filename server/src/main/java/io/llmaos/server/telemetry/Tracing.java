package io.llmaos.server.telemetry;

import io.llmaos.server.api.RequestTracer;
import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.request.RequestTrace;
import io.llmaos.server.core.runtime.Clock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Request traces through the OpenTelemetry SDK (its own tracer provider, no global state): a server
 * span per request, named by its gRPC method after OpenTelemetry's RPC conventions, continuing the
 * client's W3C trace context. Sampling is parent-based: a client's trace follows its sampled flag; a
 * new trace is sampled at the configured ratio, decided before any span is built, so the requests not
 * sampled cost one random draw. Spans go to the OTLP collector's
 * {@code /v1/traces} in batches. Off (no provider, no cost) without an exporter.
 */
public final class Tracing implements RequestTracer, AutoCloseable {
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> API = AttributeKey.stringKey("llmaos.api");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("llmaos.model");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("llmaos.request.id");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("llmaos.tenant");
    static final AttributeKey<Long> PRIORITY = AttributeKey.longKey("llmaos.priority");

    private static final TextMapGetter<TracedCall> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TracedCall carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(TracedCall carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return switch (key) {
                case "traceparent" -> carrier.traceparent();
                case "tracestate" -> carrier.tracestate();
                default -> null;
            };
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final Clock clock;
    /** The share of new traces sampled (a client's trace follows its own sampled flag); Triton's TraceSetting sets it. */
    private volatile double ratio;

    /**
     * One instant read on both of the server's clocks, which places every span on the epoch, so that
     * the spans of one batch share their times exactly; read again once a minute, so that the two
     * clocks cannot drift apart for long.
     */
    private record Anchor(long nanos, long epochNanos) {}

    private volatile Anchor anchor;

    private Tracing(SpanProcessor processor, double ratio, Clock clock) {
        this.clock = clock;
        this.ratio = ratio;
        this.provider = processor == null
                ? null
                : SdkTracerProvider.builder()
                        .setResource(Resource.getDefault()
                                .merge(Resource.create(
                                        Attributes.of(AttributeKey.stringKey("service.name"), "llmaos"))))
                        .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                        .addSpanProcessor(processor)
                        .build();
        this.tracer = provider == null ? null : provider.get(Telemetry.SCOPE);
    }

    /**
     * The server's tracing: with an OTLP endpoint, spans go to its {@code /v1/traces}, new traces sampled
     * at the configured ratio (0 still continues a client's sampled trace, and Triton's TraceSetting
     * may raise it); without one, off.
     */
    public static Tracing of(ServerSettings.Otlp otlp, Clock clock) {
        if (otlp.endpoint() == null) {
            return new Tracing(null, 0, clock);
        }
        String base = otlp.endpoint().toString().replaceAll("/+$", "");
        SpanExporter exporter = io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter.builder()
                .setEndpoint(base + "/v1/traces")
                .build();
        return new Tracing(BatchSpanProcessor.builder(exporter).build(), otlp.traceSampleRatio(), clock);
    }

    /** Spans sampled at {@code ratio} handed to {@code exporter} as each ends (tests: an in-memory one). */
    public static Tracing to(SpanExporter exporter, double ratio, Clock clock) {
        return new Tracing(SimpleSpanProcessor.create(exporter), ratio, clock);
    }

    /** Whether requests are traced at all. */
    public boolean on() {
        return provider != null;
    }

    @Override
    public boolean exports() {
        return provider != null;
    }

    @Override
    public double sampleRatio() {
        return ratio;
    }

    @Override
    public void sampleRatio(double value) {
        if (provider == null) {
            throw new IllegalStateException("no exporter");
        }
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("a ratio from 0 to 1: " + value);
        }
        ratio = value;
    }

    @Override
    public boolean samplesNew() {
        return provider != null && (ratio >= 1 || ThreadLocalRandom.current().nextDouble() < ratio);
    }

    @Override
    public RequestTrace start(TracedCall call) {
        if (provider == null) {
            return RequestTrace.NONE;
        }
        Context parent;
        if (call.traceparent() == null) {
            parent = Context.root(); // a new trace, drawn by samplesNew
        } else {
            parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), call, HEADERS);
        }
        Anchor anchor = anchor();
        long anchorNanos = anchor.nanos();
        long anchorEpoch = anchor.epochNanos();
        Span span = tracer.spanBuilder(call.method())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(anchorEpoch - (anchorNanos - call.receivedNanos()), TimeUnit.NANOSECONDS)
                .startSpan();
        if (!span.isRecording()) {
            return RequestTrace.NONE;
        }
        int slash = call.method().lastIndexOf('/');
        span.setAttribute(RPC_SYSTEM, "grpc")
                .setAttribute(
                        RPC_SERVICE, slash < 0 ? call.method() : call.method().substring(0, slash))
                .setAttribute(RPC_METHOD, call.method().substring(slash + 1))
                .setAttribute(API, call.api())
                .setAttribute(MODEL, Echo.cut(call.model()))
                .setAttribute(TENANT, call.tenant())
                .setAttribute(PRIORITY, (long) call.priority());
        if (!call.requestId().isEmpty()) {
            span.setAttribute(REQUEST_ID, Echo.cut(call.requestId()));
        }
        return new SpanTrace(tracer, span, anchorEpoch, anchorNanos);
    }

    /** The current anchor (two threads renewing it at once each make one; either is right). */
    private Anchor anchor() {
        Anchor a = anchor;
        long now = clock.nanoTime();
        if (a == null || now - a.nanos() > TimeUnit.MINUTES.toNanos(1)) {
            Instant wall = clock.now();
            a = new Anchor(now, TimeUnit.SECONDS.toNanos(wall.getEpochSecond()) + wall.getNano());
            anchor = a;
        }
        return a;
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
