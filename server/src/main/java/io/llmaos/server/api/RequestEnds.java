package io.llmaos.server.api;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.grpc.Context;
import io.grpc.Status;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.interceptor.TraceOrigin;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.request.GenerationUsage;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.request.RequestTrace;
import io.llmaos.server.core.runtime.Clock;

/**
 * Where every request's trace starts ({@link RequestTracer}, with the call's {@link TraceOrigin}) and
 * where its end goes: the trace,  the access log (--access-log), one JSON line per finished request to
 * the logger {@value #LOGGER} (time, API, request id, tenant, model, version, status, queue, compute
 * and total time, batch size, and tokens for a generation; never a payload, prompt or generated text;
 * a client's request id is cut like any echoed value), and the {@link ApiObserver} (telemetry).
 * With none of the three, {@link #on} is false and the APIs do nothing at a request's end.
 */
class RequestEnds {
    static final String LOGGER = io.llmaos.server.core.runtime.JulLogControl.ACCESS_LOGGER;

    /**
     * java.util.logging directly, not SLF4J: its adapter walks the stack for the caller of every
     * record, which would cost more than the request; a JUL record finds its caller only if asked.
     */
    private static final java.util.logging.Logger log = java.util.logging.Logger.getLogger(LOGGER);

    /** The full gRPC method of each API's requests (a trace's span is named by it). */
    private static final java.util.Map<String, String> METHODS = java.util.Map.of(
            "infer",
            io.llmaos.proto.v1.InferenceServiceGrpc.getInferMethod().getFullMethodName(),
            "infer_stream",
            io.llmaos.proto.v1.InferenceServiceGrpc.getInferStreamMethod().getFullMethodName(),
            "generate",
            io.llmaos.proto.v1.InferenceServiceGrpc.getGenerateMethod().getFullMethodName(),
            "model_infer",
            io.llmaos.proto.oip.GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName(),
            "model_stream_infer",
            io.llmaos.proto.oip.GRPCInferenceServiceGrpc.getModelStreamInferMethod()
                    .getFullMethodName());

    private static final JsonStringEncoder JSON = JsonStringEncoder.getInstance();
    private final Clock clock;
    private final boolean logged;
    private final ApiObserver observer;
    private final RequestTracer tracer;
    /** The last second a line was written in, formatted once for all its lines. */
    private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    /**
     * @param logged   whether the access log is on
     * @param observer who else hears (null for nobody)
     * @param tracer   who traces requests ({@link RequestTracer#OFF} for nobody)
     */
    RequestEnds(Clock clock, boolean logged, ApiObserver observer, RequestTracer tracer) {
        this.clock = clock;
        this.logged = logged;
        this.observer = observer;
        this.tracer = tracer;
    }

    RequestTracer tracer() {
        return tracer;
    }

    boolean on() {
        return logged || observer != null || tracer != RequestTracer.OFF;
    }

    /** The trace of a request the call of {@code context} made ({@link RequestTrace#NONE} when untraced). */
    RequestTrace trace(String api, Context context, String model, String requestId, int priority, long received) {
        if (tracer == RequestTracer.OFF) {
            return RequestTrace.NONE;
        }
        TraceOrigin origin = TraceOrigin.of(context);
        if (origin == null && !tracer.samplesNew()) {
            return RequestTrace.NONE;
        }
        return tracer.start(new RequestTracer.TracedCall(
                api,
                METHODS.getOrDefault(api, api),
                model,
                requestId,
                TenantInterceptor.of(context),
                priority,
                origin == null ? null : origin.traceparent(),
                origin == null ? null : origin.tracestate(),
                received));
    }

    /**
     * A request refused before it reached the seam that would report its end (a malformed request, a
     * model that could not be resolved): its trace starts and ends at once.
     *
     * @param known whether the model it named was found
     */
    void refused(
            String api,
            Context context,
            String model,
            String requestId,
            long received,
            boolean known,
            Throwable error) {
        if (!on()) {
            return;
        }
        RequestTrace trace = trace(api, context, model, requestId, 0, received);
        Line line =
                ended(trace, api, requestId, TenantInterceptor.of(context), model, 0, received, known, cause(error));
        if (line != null) {
            log.log(java.util.logging.Level.INFO, line.end());
        }
    }

    /** The error a future's {@code CompletionException} wraps, or {@code error} itself. */
    static Throwable cause(Throwable error) {
        return error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
    }

    /** A tensor request ended: with {@code result}, or with {@code error}. */
    void tensor(
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            boolean resolved,
            InferenceResult result,
            Throwable error,
            RequestTrace trace) {
        Line line = ended(
                trace,
                api,
                requestId,
                tenant,
                // the served model's own name where known: one long-lived string, its hash computed once
                result != null ? result.model().name() : model,
                result != null ? result.model().version() : version,
                received,
                resolved || result != null,
                error);
        if (line == null) {
            return;
        }
        if (result != null) {
            line.num("queue_us", result.queueNanos() / 1000)
                    .num("compute_us", result.computeNanos() / 1000)
                    .num("batch_size", result.batchSize());
        }
        log.log(java.util.logging.Level.INFO, line.end());
    }

    /** A generation ended: with {@code usage}, or with {@code error}. */
    void generation(
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            boolean resolved,
            GenerationUsage usage,
            Throwable error,
            RequestTrace trace) {
        Line line = ended(trace, api, requestId, tenant, model, version, received, resolved || usage != null, error);
        if (line == null) {
            return;
        }
        if (usage != null) {
            line.num("queue_us", usage.queueNanos() / 1000)
                    .num("first_token_us", usage.firstTokenNanos() / 1000)
                    .num("prompt_tokens", usage.promptTokens())
                    .num("generated_tokens", usage.generatedTokens());
        }
        log.log(java.util.logging.Level.INFO, line.end());
    }

    /** Tells the observer; the start of the log line, or null when the access log is off. */
    private Line ended(
            RequestTrace trace,
            String api,
            String requestId,
            String tenant,
            String model,
            long version,
            long received,
            boolean known,
            Throwable error) {
        long now = clock.nanoTime();
        long total = now - received;
        String status = status(error);
        trace.ended(now, status, known ? version : 0);
        if (observer != null) {
            observer.ended(api, known ? model : null, status, total);
        }
        return logged ? line(api, requestId, tenant, model, version, status, total) : null;
    }

    private static String status(Throwable error) {
        return error == null
                ? Status.Code.OK.name()
                : StatusMapper.toStatusException(error).getStatus().getCode().name();
    }

    private Line line(
            String api, String requestId, String tenant, String model, long version, String status, long total) {
        java.time.Instant now = clock.now();
        return new Line()
                .time("time", second(now.getEpochSecond()), now.getNano())
                .str("api", api)
                .str("request_id", Echo.cut(requestId))
                .str("tenant", tenant)
                .str("model", Echo.cut(model))
                .num("version", version)
                .str("status", status)
                .num("total_us", total / 1000);
    }

    /** A second since the epoch and its ISO-8601 text (to the second), shared by the lines of that second. */
    private record Second(long epochSecond, String text) {}

    /** The ISO-8601 UTC text of {@code epochSecond} (to the second). */
    private String second(long epochSecond) {
        Second last = lastSecond;
        if (last.epochSecond() != epochSecond) {
            String text = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                    java.time.LocalDateTime.ofEpochSecond(epochSecond, 0, java.time.ZoneOffset.UTC));
            // ISO_LOCAL_DATE_TIME leaves out a zero second
            last = new Second(epochSecond, text.length() == 16 ? text + ":00" : text);
            lastSecond = last;
        }
        return last.text();
    }

    /** One JSON object written field by field (cheaper than a tree on the request's thread). */
    private static final class Line {
        private final StringBuilder b = new StringBuilder(256).append('{');

        Line str(String key, String value) {
            key(key).append('"');
            JSON.quoteAsString(value == null ? "" : value, b);
            b.append('"');
            return this;
        }

        /** {@code second} (its ISO-8601 text to the second) and {@code nanos} as ISO-8601 UTC, to the microsecond. */
        Line time(String key, String second, int nanos) {
            key(key).append('"').append(second).append('.');
            int micros = nanos / 1000;
            for (int unit = 100_000; unit > 0; unit /= 10) {
                b.append((char) ('0' + micros / unit % 10));
            }
            b.append("Z\"");
            return this;
        }

        Line num(String key, long value) {
            key(key).append(value);
            return this;
        }

        private StringBuilder key(String key) {
            if (b.length() > 1) {
                b.append(',');
            }
            return b.append('"').append(key).append("\":");
        }

        String end() {
            return b.append('}').toString();
        }
    }
}
