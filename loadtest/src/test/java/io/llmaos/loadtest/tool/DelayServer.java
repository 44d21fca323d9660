package io.llmaos.loadtest.tool;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.ModelInferRequest;
import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.proto.oip.ModelMetadataRequest;
import io.llmaos.proto.oip.ModelMetadataResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ServerTiming;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server on loopback that answers Infer, InferStream and ModelInfer after a fixed delay (and says so as
 * its compute time), and can be stalled: while stalled, every answer waits for the stall to end. Its
 * metadata names one FP32 input of shape [-1, 4].
 */
final class DelayServer implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final long delayNanos;
    private volatile long stallUntil;
    private final Server server;

    DelayServer(long delayMillis) throws java.io.IOException {
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new InferenceServiceGrpc.InferenceServiceImplBase() {
                    @Override
                    public void infer(InferRequest request, StreamObserver<InferResponse> response) {
                        later(() -> {
                            response.onNext(InferResponse.newBuilder()
                                    .setModelName(request.getModelName())
                                    .setTiming(ServerTiming.newBuilder().setComputeTimeUs(delayNanos / 1000))
                                    .build());
                            response.onCompleted();
                        });
                    }

                    @Override
                    public StreamObserver<InferRequest> inferStream(
                            StreamObserver<io.llmaos.proto.v1.InferStreamResponse> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(InferRequest request) {
                                later(() -> {
                                    synchronized (responses) {
                                        responses.onNext(io.llmaos.proto.v1.InferStreamResponse.newBuilder()
                                                .setRequestId(request.getRequestId())
                                                .setResponse(InferResponse.newBuilder()
                                                        .setTiming(ServerTiming.newBuilder()
                                                                .setComputeTimeUs(delayNanos / 1000)))
                                                .build());
                                    }
                                });
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {
                                later(() -> {
                                    synchronized (responses) {
                                        responses.onCompleted();
                                    }
                                });
                            }
                        };
                    }
                })
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void modelMetadata(
                            ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
                        response.onNext(ModelMetadataResponse.newBuilder()
                                .setName(request.getName())
                                .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder()
                                        .setName("x")
                                        .setDatatype("FP32")
                                        .addShape(-1)
                                        .addShape(4))
                                .build());
                        response.onCompleted();
                    }

                    @Override
                    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
                        later(() -> {
                            response.onNext(ModelInferResponse.newBuilder()
                                    .setModelName(request.getModelName())
                                    .build());
                            response.onCompleted();
                        });
                    }
                })
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    /** From now on, every answer waits until {@code millis} have passed. */
    void stall(long millis) {
        stallUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private void later(Runnable answer) {
        long at = Math.max(System.nanoTime() + delayNanos, stallUntil);
        timer.schedule(answer, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        timer.shutdownNow();
    }
}
