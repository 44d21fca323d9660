package io.llmaos.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The channel of a {@link LlmaosClient}: one target or several (round-robin with health checking),
 * TLS or plaintext, retries of idempotent calls on UNAVAILABLE, and the identity headers and
 * default deadline added to every call.
 */
final class ClientChannels {
    private static final Metadata.Key<String> TENANT =
            Metadata.Key.of("x-llmaos-tenant", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private ClientChannels() {}

    /** Who calls: the tenant and bearer token sent with every call, and the default unary deadline (each may be null). */
    record Identity(String tenant, String token, Duration deadline) {}

    /**
     * TLS for the channel: the certificates to trust (null: the system's authorities), and for
     * mutual TLS the client's certificate chain and private key (both or neither).
     */
    record Tls(File trustCertificates, File certificateChain, File privateKey) {}

    /** A channel to {@code targets}; {@code tls} null means plaintext. */
    static ManagedChannel build(List<String> targets, Tls tls, Identity identity, int maxAttempts) {
        return build(targets, tls, identity, maxAttempts, null);
    }

    /**
     * As {@link #build(List, Tls, Identity, int)}; with {@code threads}, the channel's transport runs on
     * that event loop group (Java NIO: no native library to unpack) instead of gRPC's shared one.
     */
    static ManagedChannel build(
            List<String> targets,
            Tls tls,
            Identity identity,
            int maxAttempts,
            io.grpc.netty.shaded.io.netty.channel.EventLoopGroup threads) {
        NettyChannelBuilder b;
        java.net.InetSocketAddress literal = targets.size() == 1 ? ipLiteral(targets.get(0)) : null;
        if (literal != null) {
            // an address, not a name: nothing to resolve (no DNS resolver and its thread)
            b = NettyChannelBuilder.forAddress(literal);
        } else if (targets.size() == 1) {
            b = NettyChannelBuilder.forTarget(targets.get(0));
        } else {
            b = NettyChannelBuilder.forTarget(StaticTargets.SCHEME + ":///servers");
            nameResolver(b, new StaticTargets(targets));
        }
        if (threads != null) {
            b.eventLoopGroup(threads)
                    .channelType(io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel.class);
        }
        if (tls != null) {
            try {
                var ssl = GrpcSslContexts.forClient();
                if (tls.trustCertificates() != null) {
                    ssl.trustManager(tls.trustCertificates());
                }
                if (tls.certificateChain() != null) {
                    ssl.keyManager(tls.certificateChain(), tls.privateKey());
                }
                b.sslContext(ssl.build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
            }
        } else {
            b.usePlaintext();
        }
        b.defaultServiceConfig(serviceConfig(maxAttempts, balanced(targets))).enableRetry();
        b.maxInboundMessageSize(64 << 20);
        b.intercept(new Defaults(identity));
        return b.build();
    }

    /** {@code target} as a socket address when its host is an IPv4 or IPv6 literal, else null. */
    static java.net.InetSocketAddress ipLiteral(String target) {
        if (target.contains(":///")) {
            return null;
        }
        java.net.InetSocketAddress a = StaticTargets.address(target);
        String host = a.getHostString();
        boolean literal = host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
        // an IP literal parses without a lookup
        return literal ? new java.net.InetSocketAddress(host, a.getPort()) : null;
    }

    /**
     * Whether calls are balanced over several servers: several targets, or one name that a resolver may
     * turn into several addresses ({@code dns:///llmaos-headless:8001}: every ready pod of a headless Service).
     */
    static boolean balanced(List<String> targets) {
        return targets.size() > 1 || targets.get(0).contains(":///");
    }

    @SuppressWarnings("deprecation")
    private static void nameResolver(NettyChannelBuilder b, StaticTargets resolver) {
        b.nameResolverFactory(resolver);
    }

    /** round_robin with health checking across targets; retries of idempotent calls on UNAVAILABLE. */
    private static Map<String, ?> serviceConfig(int attempts, boolean balanced) {
        List<Map<String, ?>> idempotent = List.of(
                name("llmaos.v1.InferenceService", "Infer"),
                name("llmaos.v1.ModelRepositoryService", "ListModels"),
                name("llmaos.v1.ModelRepositoryService", "GetModel"),
                name("llmaos.v1.SchedulerService", "GetStats"),
                name("llmaos.v1.SchedulerService", "GetPolicy"),
                name("llmaos.v1.ResourceService", "GetResources"),
                name("grpc.health.v1.Health", "Check"));
        Map<String, Object> retry = Map.of(
                "maxAttempts",
                (double) Math.max(2, attempts),
                "initialBackoff",
                "0.05s",
                "maxBackoff",
                "1s",
                "backoffMultiplier",
                2.0,
                "retryableStatusCodes",
                List.of("UNAVAILABLE"));
        Map<String, Object> config = new java.util.HashMap<>();
        if (attempts > 1) {
            config.put("methodConfig", List.of(Map.of("name", idempotent, "retryPolicy", retry)));
        }
        if (balanced) {
            config.put("loadBalancingConfig", List.of(Map.of("round_robin", Map.of())));
            config.put("healthCheckConfig", Map.of("serviceName", ""));
        }
        return config;
    }

    private static Map<String, ?> name(String service, String method) {
        return Map.of("service", service, "method", method);
    }

    /** Adds the tenant and token headers, and the default deadline of unary calls. */
    private record Defaults(Identity identity) implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            CallOptions o = options;
            Duration deadline = identity.deadline();
            if (deadline != null && o.getDeadline() == null && method.getType() == MethodDescriptor.MethodType.UNARY) {
                o = o.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
            }
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, o)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    if (identity.tenant() != null) {
                        headers.put(TENANT, identity.tenant());
                    }
                    if (identity.token() != null) {
                        headers.put(AUTHORIZATION, "Bearer " + identity.token());
                    }
                    super.start(listener, headers);
                }
            };
        }
    }
}
