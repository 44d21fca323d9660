package io.llmaos.server.telemetry;

import io.llmaos.server.core.request.RequestTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One sampled request's trace: its server span, and the children the scheduler reports (queue wait,
 * batch execution linked to the other traced requests of its batch; for a generation admission,
 * prefill and one summary of its decode steps). Times come as the server clock's nanoseconds and are
 * placed on the epoch by the anchor taken when the span started.
 */
final class SpanTrace implements RequestTrace {
    static final AttributeKey<Long> LEVEL = AttributeKey.longKey("llmaos.priority.level");
    static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("llmaos.batch.size");
    static final AttributeKey<Long> PREFILL_TOKENS = AttributeKey.longKey("llmaos.prefill.tokens");
    static final AttributeKey<Long> PREFILL_SEQUENCES = AttributeKey.longKey("llmaos.prefill.sequences");
    static final AttributeKey<Long> DECODE_STEPS = AttributeKey.longKey("llmaos.decode.steps");
    static final AttributeKey<Double> DECODE_STEP_TIME = AttributeKey.doubleKey("llmaos.decode.step_time");
    static final AttributeKey<Long> TOKENS = AttributeKey.longKey("llmaos.tokens.generated");
    static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("llmaos.status");
    static final AttributeKey<Long> VERSION = AttributeKey.longKey("llmaos.model.version");

    /** gRPC's status codes in the order of their numbers (the protocol's, fixed). */
    private static final List<String> CODES = List.of(
            "OK",
            "CANCELLED",
            "UNKNOWN",
            "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "PERMISSION_DENIED",
            "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION",
            "ABORTED",
            "OUT_OF_RANGE",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "DATA_LOSS",
            "UNAUTHENTICATED");

    /** The codes OpenTelemetry's gRPC conventions count as a server's error (the others are the client's). */
    private static final Set<String> SERVER_ERRORS =
            Set.of("UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS");

    private final Tracer tracer;
    final Span span;
    private final Context parent;
    private final long anchorEpochNanos;
    private final long anchorNanos;

    /**
     * @param anchorEpochNanos the epoch time of {@code anchorNanos} on the server clock
     */
    SpanTrace(Tracer tracer, Span span, long anchorEpochNanos, long anchorNanos) {
        this.tracer = tracer;
        this.span = span;
        this.parent = Context.root().with(span);
        this.anchorEpochNanos = anchorEpochNanos;
        this.anchorNanos = anchorNanos;
    }

    @Override
    public boolean recording() {
        return true;
    }

    @Override
    public void queued(long startNanos, long endNanos, int level) {
        child("llmaos.queue", startNanos)
                .setAttribute(LEVEL, (long) level)
                .startSpan()
                .end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void executed(long startNanos, long endNanos, int batchSize, List<RequestTrace> batch) {
        SpanBuilder b = child("llmaos.batch", startNanos).setAttribute(BATCH_SIZE, (long) batchSize);
        for (RequestTrace other : batch) {
            if (other != this && other instanceof SpanTrace t) {
                b.addLink(t.span.getSpanContext());
            }
        }
        b.startSpan().end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void admitted(long startNanos, long endNanos, int level) {
        child("llmaos.admission", startNanos)
                .setAttribute(LEVEL, (long) level)
                .startSpan()
                .end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void prefilled(long startNanos, long endNanos, int tokens, int sequences) {
        child("llmaos.prefill", startNanos)
                .setAttribute(PREFILL_TOKENS, (long) tokens)
                .setAttribute(PREFILL_SEQUENCES, (long) sequences)
                .startSpan()
                .end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void decoded(long startNanos, long endNanos, int steps, long stepNanos, int tokens) {
        child("llmaos.decode", startNanos)
                .setAttribute(DECODE_STEPS, (long) steps)
                .setAttribute(DECODE_STEP_TIME, stepNanos / 1e9)
                .setAttribute(TOKENS, (long) tokens)
                .startSpan()
                .end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void ended(long endNanos, String status, long version) {
        int code = CODES.indexOf(status);
        if (code >= 0) {
            span.setAttribute(GRPC_STATUS, (long) code);
        }
        span.setAttribute(STATUS, status);
        if (version > 0) {
            span.setAttribute(VERSION, version);
        }
        if (SERVER_ERRORS.contains(status)) {
            span.setStatus(StatusCode.ERROR, status);
        }
        span.end(epoch(endNanos), TimeUnit.NANOSECONDS);
    }

    private SpanBuilder child(String name, long startNanos) {
        return tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(epoch(startNanos), TimeUnit.NANOSECONDS);
    }

    /** {@code nanos} of the server clock as nanoseconds since the epoch. */
    long epoch(long nanos) {
        return anchorEpochNanos + (nanos - anchorNanos);
    }
}
