package io.llmaos.server;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls of any method with bytes the client makes up (so requests that do not parse can be sent),
 * and a channel as strict as common clients: at most 8 KiB of response metadata, with the size of
 * the largest trailers seen.
 */
public final class RawCalls {
    /** Every method of every service the server offers, as the clients' own stubs declare them. */
    public static java.util.List<MethodDescriptor<?, ?>> everyMethod() {
        java.util.List<MethodDescriptor<?, ?>> all = new java.util.ArrayList<>();
        for (io.grpc.ServiceDescriptor s : java.util.List.of(
                io.llmaos.proto.v1.InferenceServiceGrpc.getServiceDescriptor(),
                io.llmaos.proto.v1.ModelRepositoryServiceGrpc.getServiceDescriptor(),
                io.llmaos.proto.v1.SchedulerServiceGrpc.getServiceDescriptor(),
                io.llmaos.proto.v1.ResourceServiceGrpc.getServiceDescriptor(),
                io.llmaos.proto.oip.GRPCInferenceServiceGrpc.getServiceDescriptor(),
                io.grpc.health.v1.HealthGrpc.getServiceDescriptor(),
                io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor())) {
            all.addAll(s.getMethods());
        }
        return all;
    }

    /** The response metadata limit of common clients (and of grpc-java's own default). */
    public static final int CLIENT_METADATA_LIMIT = 8192;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final AtomicInteger largestTrailers = new AtomicInteger();

    /** A plaintext channel to {@code port} that takes at most 8 KiB of metadata and measures trailers. */
    public ManagedChannel strictChannel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMetadataSize(CLIENT_METADATA_LIMIT)
                .maxInboundMessageSize(64 << 20)
                .intercept(new TrailerMeter())
                .build();
    }

    /** The largest trailers (grpc-message as sent, plus every other entry) seen on strict channels so far. */
    public int largestTrailers() {
        return largestTrailers.get();
    }

    /**
     * The final status of a call of any kind of {@code method} that sends {@code payload} as its one
     * request message and reads whatever comes back.
     */
    public static Status call(Channel channel, MethodDescriptor<?, ?> method, byte[] payload)
            throws InterruptedException {
        return call(channel, method, payload, java.time.Duration.ofSeconds(30));
    }

    /** As {@link #call(Channel, MethodDescriptor, byte[])}, with the call's deadline {@code deadline} from now. */
    public static Status call(
            Channel channel, MethodDescriptor<?, ?> method, byte[] payload, java.time.Duration deadline)
            throws InterruptedException {
        ClientCall<byte[], byte[]> call = channel.newCall(
                descriptor(method.getFullMethodName(), method.getType()),
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
        java.util.concurrent.CompletableFuture<Status> closed = new java.util.concurrent.CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        closed.complete(status);
                    }
                },
                new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(payload);
        call.halfClose();
        try {
            return closed.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            call.cancel("no answer", e);
            throw new AssertionError(method.getFullMethodName() + " did not close", e);
        }
    }

    /** The status of a unary call of {@code method} with {@code payload} as its request message. */
    public static Status unary(Channel channel, String method, byte[] payload) {
        try {
            ClientCalls.blockingUnaryCall(
                    channel,
                    descriptor(method, MethodDescriptor.MethodType.UNARY),
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    payload);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    public static MethodDescriptor<byte[], byte[]> descriptor(String method, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(method)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** Bytes of {@code metadata} as they travel: binary values in base64, the message percent-encoded. */
    public static int size(Status status, Metadata metadata) {
        int total = "grpc-status".length() + 3;
        if (status.getDescription() != null) {
            total += "grpc-message".length();
            for (byte b : status.getDescription().getBytes(StandardCharsets.UTF_8)) {
                total += b >= 0x20 && b < 0x7f && b != '%' ? 1 : 3;
            }
        }
        for (String key : metadata.keys()) {
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] v : metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER))) {
                    total += key.length() + (v.length + 2) / 3 * 4;
                }
            } else {
                for (String v : metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER))) {
                    total += key.length() + v.length();
                }
            }
        }
        return total;
    }

    private final class TrailerMeter implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    super.start(
                            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                                @Override
                                public void onClose(Status status, Metadata trailers) {
                                    largestTrailers.accumulateAndGet(size(status, trailers), Math::max);
                                    super.onClose(status, trailers);
                                }
                            },
                            headers);
                }
            };
        }
    }
}
