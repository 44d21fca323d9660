package io.llmaos.server.api;

import io.llmaos.server.core.request.RequestTrace;

/**
 * Starts a trace for each request an API receives (telemetry's spans), continuing the client's W3C
 * trace context when it sent one. Called on the request's thread: quick, never blocking.
 */
public interface RequestTracer {
    /** Traces nothing. */
    RequestTracer OFF = call -> RequestTrace.NONE;

    /** The trace of {@code call}: {@link RequestTrace#NONE} when it is not sampled. */
    RequestTrace start(TracedCall call);

    /**
     * What a request's trace starts from.
     *
     * @param api           the API's name in the access log (infer, generate, model_infer, ...)
     * @param method        the full gRPC method name
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
