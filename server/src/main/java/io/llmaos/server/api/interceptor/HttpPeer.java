package io.llmaos.server.api.interceptor;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The client certificate of an HTTP request, carried into its in-process gRPC call: the HTTP listener
 * reads the tenant its mutual-TLS certificate names ({@link #tenantOf}) and the bridge sends it as
 * {@value #HEADER}; {@link #interceptor()}, installed on the in-process server only, takes it from there,
 * so the call is the certificate's tenant as a gRPC call over mutual TLS is. The network port has no such
 * interceptor (the header is ignored there), and the bridge passes no client header of that name.
 */
public final class HttpPeer {
    /** The metadata key the HTTP bridge sets. */
    public static final String HEADER = "llmaos-http-peer-tenant";

    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TENANT = Context.key("llmaos-http-peer-tenant");

    private HttpPeer() {}

    /** The tenant a verified client certificate of {@code session} names, or null. */
    public static String tenantOf(javax.net.ssl.SSLSession session) {
        return ClientCertificates.tenantOf(session);
    }

    /** The HTTP client certificate's tenant of the call {@code context} belongs to, or null. */
    static String of(Context context) {
        return TENANT.get(context);
    }

    /** For the in-process server: takes {@value #HEADER} as the call's client-certificate tenant. */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String tenant = headers.get(KEY);
                return tenant == null
                        ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
            }
        };
    }
}
