package io.llmaos.server.api.interceptor;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.llmaos.server.core.error.CapacityExceededException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the watch streams (the {@code Watch*} methods: models, stats, resources, health) one
 * client keeps open at once, counted per client address: a stream over the bound is refused with
 * RESOURCE_EXHAUSTED, so one client cannot hold the server's timers and threads with thousands of
 * idle streams. A stream counts until it completes or is cancelled.
 */
public final class WatchLimit implements ServerInterceptor {
    private final int perClient;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /** @param perClient the most watch streams one client address may hold open */
    public WatchLimit(int perClient) {
        this.perClient = perClient;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String bare = call.getMethodDescriptor().getBareMethodName();
        if (bare == null || !bare.startsWith("Watch")) {
            return next.startCall(call, headers);
        }
        String client = client(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (open.merge(client, 1, Integer::sum) > perClient) {
            release(client);
            return AuthInterceptor.refuse(
                    call,
                    new CapacityExceededException(
                            "WATCH_STREAMS",
                            "this client has " + perClient + " watch streams open, the most one client may hold"
                                    + " (--max-watch-streams-per-client)",
                            Duration.ofSeconds(1)));
        }
        return CallEnd.whenEnded(() -> next.startCall(call, headers), () -> release(client));
    }

    private void release(String client) {
        open.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
    }

    private static String client(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(address);
    }
}
