package io.llmaos.server.api.interceptor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The client's W3C trace context of a call (its {@code traceparent} and {@code tracestate} headers),
 * put into the call's context for the request seams to continue; a call without a traceparent keeps
 * its context as it is (nothing is added on the common path). Installed only when tracing is on.
 *
 * @param traceparent the client's {@code traceparent} header
 * @param tracestate  the client's {@code tracestate} header, or null
 */
public record TraceOrigin(String traceparent, String tracestate) {
    private static final Metadata.Key<String> PARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> STATE = Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<TraceOrigin> KEY = Context.key("llmaos-trace-origin");

    /** The client's trace context of the call {@code context} belongs to, or null when it sent none. */
    public static TraceOrigin of(Context context) {
        return KEY.get(context);
    }

    /** The interceptor that notes each call's trace context. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String parent = headers.get(PARENT);
                if (parent == null) {
                    return next.startCall(call, headers);
                }
                TraceOrigin origin = new TraceOrigin(parent, headers.get(STATE));
                return Contexts.interceptCall(Context.current().withValue(KEY, origin), call, headers, next);
            }
        };
    }
}
