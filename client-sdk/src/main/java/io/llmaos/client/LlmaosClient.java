package io.llmaos.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.GetModelRequest;
import io.llmaos.proto.v1.GetModelResponse;
import io.llmaos.proto.v1.GetPolicyRequest;
import io.llmaos.proto.v1.GetResourcesRequest;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferStreamResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ListModelsRequest;
import io.llmaos.proto.v1.ListModelsResponse;
import io.llmaos.proto.v1.LoadModelRequest;
import io.llmaos.proto.v1.LoadModelResponse;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelEvent;
import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;
import io.llmaos.proto.v1.ResourceServiceGrpc;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.SchedulerStats;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.SetPolicyRequest;
import io.llmaos.proto.v1.UnloadModelRequest;
import io.llmaos.proto.v1.UnloadModelResponse;
import io.llmaos.proto.v1.WatchModelsRequest;
import io.llmaos.proto.v1.WatchResourcesRequest;
import io.llmaos.proto.v1.WatchStatsRequest;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The Java client of an LLMA OS server (or several, balanced round-robin with health checking).
 * Build one with {@link #builder()}, share it, close it when done. Every RPC of the contract has a
 * typed method; failures are thrown (or completed) as {@link LlmaosClientException} subclasses.
 *
 * <pre>{@code
 * try (LlmaosClient client = LlmaosClient.builder().target("127.0.0.1:8001").build()) {
 *     InferResponse r = client.infer(InferRequest.newBuilder().setModelName("mlp-classifier")
 *             .addInputs(Tensors.fp32("features", new long[] {1, 16}, new float[16])).build());
 * }
 * }</pre>
 */
public final class LlmaosClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final InferenceServiceGrpc.InferenceServiceBlockingStub inference;
    private final InferenceServiceGrpc.InferenceServiceStub inferenceAsync;
    private final ModelRepositoryServiceGrpc.ModelRepositoryServiceBlockingStub repository;
    private final ModelRepositoryServiceGrpc.ModelRepositoryServiceStub repositoryAsync;
    private final SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler;
    private final SchedulerServiceGrpc.SchedulerServiceStub schedulerAsync;
    private final ResourceServiceGrpc.ResourceServiceBlockingStub resources;
    private final ResourceServiceGrpc.ResourceServiceStub resourcesAsync;
    private final HealthGrpc.HealthBlockingStub health;

    /** The client's own transport thread, or null when it shares gRPC's. */
    private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup threads;

    private LlmaosClient(ManagedChannel channel, io.grpc.netty.shaded.io.netty.channel.EventLoopGroup threads) {
        this.channel = channel;
        this.threads = threads;
        this.inference = InferenceServiceGrpc.newBlockingStub(channel);
        this.inferenceAsync = InferenceServiceGrpc.newStub(channel);
        this.repository = ModelRepositoryServiceGrpc.newBlockingStub(channel);
        this.repositoryAsync = ModelRepositoryServiceGrpc.newStub(channel);
        this.scheduler = SchedulerServiceGrpc.newBlockingStub(channel);
        this.schedulerAsync = SchedulerServiceGrpc.newStub(channel);
        this.resources = ResourceServiceGrpc.newBlockingStub(channel);
        this.resourcesAsync = ResourceServiceGrpc.newStub(channel);
        this.health = HealthGrpc.newBlockingStub(channel);
    }

    /** A builder; at least one target is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The channel underneath, for calls this class does not wrap (e.g. the OIP service). */
    public Channel channel() {
        return channel;
    }

    /** Whether the server (any of the targets) reports SERVING on the standard health service. */
    public boolean isServing() {
        return call(() -> health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                == HealthCheckResponse.ServingStatus.SERVING);
    }

    // inference

    /** One inference, waiting for its answer. */
    public InferResponse infer(InferRequest request) {
        return call(() -> inference.infer(request));
    }

    /** One inference; the future completes with the answer or a {@link LlmaosClientException}. */
    public CompletableFuture<InferResponse> inferAsync(InferRequest request) {
        CompletableFuture<InferResponse> result = new CompletableFuture<>();
        inferenceAsync.infer(request, new StreamObserver<>() {
            @Override
            public void onNext(InferResponse value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(LlmaosClientException.from(t));
            }

            @Override
            public void onCompleted() {
                // completed with the value
            }
        });
        return result;
    }

    /**
     * A bidirectional inference stream: send requests (tagged with ids) on the returned observer;
     * answers arrive on {@code answers}, possibly out of order.
     */
    public StreamObserver<InferRequest> inferStream(StreamObserver<InferStreamResponse> answers) {
        return inferenceAsync.inferStream(answers);
    }

    /**
     * Generates text, as an iterator over the stream's messages (tokens as they are made; the last
     * carries the finish reason and usage). Close the stream to cancel it on the server.
     */
    public GenerationStream generate(GenerateRequest request) {
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        io.grpc.Context previous = context.attach();
        try {
            return new GenerationStream(call(() -> inference.generate(request)), context);
        } finally {
            context.detach(previous);
        }
    }

    /**
     * Generates text, calling {@code onMessage} for each message and then {@code onEnd} (null when
     * the stream ended normally). Run the returned task to cancel the generation on the server.
     */
    public Runnable generate(
            GenerateRequest request,
            java.util.function.Consumer<GenerateResponse> onMessage,
            java.util.function.Consumer<LlmaosClientException> onEnd) {
        return streaming(observer -> inferenceAsync.generate(request, observer), onMessage, onEnd);
    }

    // models

    /** Every model of the repository (or loaded), with its kind, engine and version states. */
    public ListModelsResponse listModels() {
        return call(() -> repository.listModels(ListModelsRequest.getDefaultInstance()));
    }

    /** One model: summary, configuration in force, and what its requests and responses look like. */
    public GetModelResponse getModel(String name) {
        return call(() ->
                repository.getModel(GetModelRequest.newBuilder().setName(name).build()));
    }

    /** Loads (or reloads) a model and waits until it is READY or has failed. */
    public LoadModelResponse loadModel(String name) {
        return call(() ->
                repository.loadModel(LoadModelRequest.newBuilder().setName(name).build()));
    }

    /** Loads a model with {@code override} in place of its config.json. */
    public LoadModelResponse loadModel(String name, ModelConfig override) {
        return call(() -> repository.loadModel(LoadModelRequest.newBuilder()
                .setName(name)
                .setConfigOverride(override)
                .build()));
    }

    /** Unloads every version of a model (in-flight work finishes first). */
    public UnloadModelResponse unloadModel(String name) {
        return call(() -> repository.unloadModel(
                UnloadModelRequest.newBuilder().setName(name).build()));
    }

    /** Streams model state changes; run the returned task to stop. */
    public Runnable watchModels(
            java.util.function.Consumer<ModelEvent> onEvent, java.util.function.Consumer<LlmaosClientException> onEnd) {
        return streaming(o -> repositoryAsync.watchModels(WatchModelsRequest.getDefaultInstance(), o), onEvent, onEnd);
    }

    // scheduler

    /** Scheduler statistics of the named models (none: every model). */
    public SchedulerStats schedulerStats(String... models) {
        return call(() -> scheduler.getStats(
                GetStatsRequest.newBuilder().addAllModelNames(List.of(models)).build()));
    }

    /** Streams scheduler statistics every {@code interval}; run the returned task to stop. */
    public Runnable watchStats(
            Duration interval,
            java.util.function.Consumer<SchedulerStats> onStats,
            java.util.function.Consumer<LlmaosClientException> onEnd) {
        return streaming(
                o -> schedulerAsync.watchStats(
                        WatchStatsRequest.newBuilder()
                                .setInterval(duration(interval))
                                .build(),
                        o),
                onStats,
                onEnd);
    }

    /** The scheduling policy in force for {@code model} ("" = the server's default). */
    public SchedulingPolicy policy(String model) {
        return call(() -> scheduler.getPolicy(
                GetPolicyRequest.newBuilder().setModelName(model).build()));
    }

    /** Sets a scheduling policy live; returns the policy now in force. */
    public SchedulingPolicy setPolicy(SchedulingPolicy policy) {
        return call(() -> scheduler.setPolicy(
                SetPolicyRequest.newBuilder().setPolicy(policy).build()));
    }

    // resources

    /** The latest resource snapshot: machine, network, models, budgets, U and LB. */
    public ResourceSnapshot resources() {
        return call(() -> resources.getResources(GetResourcesRequest.getDefaultInstance()));
    }

    /** Streams resource snapshots every {@code interval}; run the returned task to stop. */
    public Runnable watchResources(
            Duration interval,
            java.util.function.Consumer<ResourceSnapshot> onSnapshot,
            java.util.function.Consumer<LlmaosClientException> onEnd) {
        return streaming(
                o -> resourcesAsync.watchResources(
                        WatchResourcesRequest.newBuilder()
                                .setInterval(duration(interval))
                                .build(),
                        o),
                onSnapshot,
                onEnd);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (threads != null) {
            // ended, not lingering: a JVM exiting waits up to 300 ms for a thread still in a native select
            threads.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (RuntimeException e) {
            throw LlmaosClientException.from(e);
        }
    }

    private static <T> Runnable streaming(
            java.util.function.Consumer<StreamObserver<T>> start,
            java.util.function.Consumer<T> onMessage,
            java.util.function.Consumer<LlmaosClientException> onEnd) {
        AtomicReference<ClientCallStreamObserver<?>> call = new AtomicReference<>();
        start.accept(new ClientResponseObserver<Object, T>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<Object> requests) {
                call.set(requests);
            }

            @Override
            public void onNext(T value) {
                onMessage.accept(value);
            }

            @Override
            public void onError(Throwable t) {
                onEnd.accept(LlmaosClientException.from(t));
            }

            @Override
            public void onCompleted() {
                onEnd.accept(null);
            }
        });
        return () -> call.get().cancel("cancelled by the client", null);
    }

    private static com.google.protobuf.Duration duration(Duration d) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(d.getSeconds())
                .setNanos(d.getNano())
                .build();
    }

    /** Generated text as an iterator; {@link #close} cancels the generation on the server. */
    public static final class GenerationStream implements Iterator<GenerateResponse>, AutoCloseable {
        private final Iterator<GenerateResponse> messages;
        private final io.grpc.Context.CancellableContext context;

        GenerationStream(Iterator<GenerateResponse> messages, io.grpc.Context.CancellableContext context) {
            this.messages = messages;
            this.context = context;
        }

        @Override
        public boolean hasNext() {
            return call(messages::hasNext);
        }

        @Override
        public GenerateResponse next() {
            return call(messages::next);
        }

        @Override
        public void close() {
            context.cancel(null);
        }
    }

    /** Builds a client: targets, security, identity, deadlines and retries. */
    public static final class Builder {
        private final List<String> targets = new ArrayList<>();
        private File trustCertificates;
        private File certificateChain;
        private File privateKey;
        private boolean tls;
        private String token;
        private String tenant;
        private Duration defaultDeadline;
        private int maxAttempts = 3;
        private boolean ownThread;

        private Builder() {}

        /**
         * A server, {@code host:port}; call again (or use {@link #targets}) for several. A name with a
         * scheme ({@code dns:///llmaos-headless:8001}) is balanced over every address it resolves to.
         */
        public Builder target(String hostPort) {
            StaticTargets.address(hostPort);
            targets.add(hostPort);
            return this;
        }

        /** Several servers, balanced round-robin; unhealthy ones are skipped. */
        public Builder targets(List<String> hostPorts) {
            hostPorts.forEach(this::target);
            return this;
        }

        /** TLS, trusting the system's certificate authorities. */
        public Builder useTls() {
            this.tls = true;
            return this;
        }

        /** TLS, trusting the certificates in {@code pemFile}. */
        public Builder useTls(File pemFile) {
            this.tls = true;
            this.trustCertificates = pemFile;
            return this;
        }

        /**
         * Mutual TLS: presents this certificate chain and private key (PEM files) to the server;
         * turns TLS on (trusting the system's authorities unless {@link #useTls(File)} names others).
         */
        public Builder clientCertificate(File certificateChainPem, File privateKeyPem) {
            this.tls = true;
            this.certificateChain = certificateChainPem;
            this.privateKey = privateKeyPem;
            return this;
        }

        /** A bearer token sent with every call. */
        public Builder token(String value) {
            this.token = value;
            return this;
        }

        /** The tenant every call is accounted to (the server's weights and quotas). */
        public Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        /** The deadline of unary calls that set none of their own (streams are left unbounded). */
        public Builder defaultDeadline(Duration value) {
            this.defaultDeadline = value;
            return this;
        }

        /**
         * The client's transport runs on one thread of its own, ended by {@link #close} (by default it
         * shares gRPC's threads, which linger a second after the last channel closes): for a short-lived
         * process such as a command line, whose exit would otherwise wait for them.
         */
        public Builder ownThread() {
            this.ownThread = true;
            return this;
        }

        /** Attempts of idempotent calls answered UNAVAILABLE (1 = no retry); default 3. */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = value;
            return this;
        }

        public LlmaosClient build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("no target: call target(\"host:port\")");
            }
            var threads = ownThread
                    ? new io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup(
                            1, io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler.newFactory())
                    : null;
            return new LlmaosClient(
                    ClientChannels.build(
                            targets,
                            tls ? new ClientChannels.Tls(trustCertificates, certificateChain, privateKey) : null,
                            new ClientChannels.Identity(tenant, token, defaultDeadline),
                            maxAttempts,
                            threads),
                    threads);
        }
    }
}
