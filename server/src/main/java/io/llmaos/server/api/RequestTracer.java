package io.llmaos.server.api;

import io.llmaos.server.core.request.RequestTrace;

/**
 * Starts a trace for each request an API receives (telemetry's spans), continuing the client's W3C
 * trace context when it sent one. Called on the request's thread: quick, never blocking.
 */
public interface RequestTracer {
    /** Traces nothing. */
    RequestTracer OFF = new RequestTracer() {
        @Override
        public RequestTrace start(TracedCall call) {
            return RequestTrace.NONE;
        }

        @Override
        public boolean samplesNew() {
            return false;
        }
    };

    /**
     * The trace of {@code call}: {@link RequestTrace#NONE} when it is not sampled. A call without the
     * client's trace context is started only after {@link #samplesNew} said yes.
     */
    RequestTrace start(TracedCall call);

    /**
     * The sampling draw for a new trace (a call that brings no trace context of its own), made before
     * anything is built for the call.
     */
    default boolean samplesNew() {
        return true;
    }

    /** Whether spans have somewhere to go (an exporter): only then can sampling be turned on. */
    default boolean exports() {
        return false;
    }

    /** The share of new traces sampled now. */
    default double sampleRatio() {
        return 0;
    }

    /** Samples {@code ratio} (0 to 1) of new traces from now on (Triton's TraceSetting); needs {@link #exports}. */
    default void sampleRatio(double ratio) {
        throw new IllegalStateException("no exporter");
    }

    /**
     * What a request's trace starts from.
     *
     * @param api           the API's name in the access log (infer, generate, model_infer, ...)
     * @param method        the full gRPC method name of the API
     * @param model         the model named
     * @param requestId     the client's request id ("" for none)
     * @param tenant        the tenant it is accounted to
     * @param priority      the priority asked (0 = the model's default)
     * @param traceparent   the client's W3C {@code traceparent}, or null
     * @param tracestate    the client's W3C {@code tracestate}, or null
     * @param receivedNanos when the server received it ({@code Clock.nanoTime})
     */
    record TracedCall(
            String api,
            String method,
            String model,
            String requestId,
            String tenant,
            int priority,
            String traceparent,
            String tracestate,
            long receivedNanos) {}
}
