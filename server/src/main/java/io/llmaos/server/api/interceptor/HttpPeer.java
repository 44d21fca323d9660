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

    /** The metadata key the HTTP bridge sets to the HTTP client's address ("ip port"). */
    public static final String ADDRESS_HEADER = "llmaos-http-peer-address";

    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> ADDRESS =
            Metadata.Key.of(ADDRESS_HEADER, Metadata.ASCII_STRING_MARSHALLER);
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

    /** How the bridge writes an HTTP client's address into {@value #ADDRESS_HEADER}. */
    public static String address(java.net.InetSocketAddress peer) {
        return peer.getAddress().getHostAddress() + " " + peer.getPort();
    }

    /**
     * For the in-process server: takes {@value #HEADER} as the call's client-certificate tenant, and
     * {@value #ADDRESS_HEADER} as the call's remote address (what the interceptors that look at the
     * client's address, shared-memory registration and the watch limit, then see).
     */
    public static ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> given, Metadata headers, ServerCallHandler<Q, R> next) {
                java.net.SocketAddress peer = parse(headers.get(ADDRESS));
                ServerCall<Q, R> call = peer == null ? given : withPeer(given, peer);
                String tenant = headers.get(KEY);
                return tenant == null
                        ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
            }
        };
    }

    /** {@code call} seen as coming from {@code peer}: its attributes made once, read by each interceptor. */
    private static <Q, R> ServerCall<Q, R> withPeer(ServerCall<Q, R> call, java.net.SocketAddress peer) {
        io.grpc.Attributes attributes = call.getAttributes().toBuilder()
                .set(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR, peer)
                .build();
        return new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public io.grpc.Attributes getAttributes() {
                return attributes;
            }
        };
    }

    /** The address {@link #address} wrote (an IP literal and a port: no name lookup), or null. */
    static java.net.SocketAddress parse(String value) {
        if (value == null) {
            return null;
        }
        int space = value.lastIndexOf(' ');
        try {
            return new java.net.InetSocketAddress(
                    java.net.InetAddress.getByName(value.substring(0, space)),
                    Integer.parseInt(value.substring(space + 1)));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
