package io.llmaos.server.api;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.llmaos.server.api.interceptor.AuthInterceptor;
import io.llmaos.server.api.interceptor.DrainGate;
import io.llmaos.server.api.interceptor.LocalSharedMemory;
import io.llmaos.server.api.interceptor.NetworkMeter;
import io.llmaos.server.api.interceptor.RequestParsing;
import io.llmaos.server.api.interceptor.StatusSafetyNet;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.interceptor.WatchLimit;
import io.llmaos.server.config.SecuritySettings;
import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.Durations;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.core.runtime.ServingPhase;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.resource.ResourceMonitor;
import io.llmaos.server.scheduler.Dispatcher;
import io.llmaos.server.security.TokenFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Netty gRPC server: every service of the contract, health (overall and per service),
 * server reflection, deliberate limits (message and metadata size, calls per connection,
 * keepalive), a bounded executor, and a graceful drain.
 *
 * <p>Drain: the phase moves to DRAINING, so health turns NOT_SERVING and the drain gate refuses new
 * calls with UNAVAILABLE while probes still answer; in-flight work calls get up to the grace period
 * to finish; then the transport says GOAWAY (calls it did not take are refused, for the client to retry
 * elsewhere) and what is still open gets a second at most (within the grace); then whatever is left
 * (watch streams, calls past the grace) is cancelled and the server stops.
 */
public final class GrpcEndpoint {
    private static final Logger log = LoggerFactory.getLogger(GrpcEndpoint.class);
    /**
     * The health service's name for liveness: SERVING while the process runs, draining included (a
     * drain is no reason to restart it), where the overall status ("") turns NOT_SERVING from SIGTERM
     * and is NOT_SERVING while the start-up models load. A Kubernetes gRPC liveness probe names it.
     */
    public static final String LIVENESS = "liveness";

    private static final Duration TERMINATION_WAIT = Duration.ofSeconds(5);
    /** How long the calls open after the drain (watch streams, refusals on the wire) get after GOAWAY. */
    private static final Duration GOAWAY_WAIT = Duration.ofSeconds(1);

    private final ServerSettings settings;
    private final ServerStatus status;
    private final Clock clock;
    private final HealthStatusManager health = new HealthStatusManager();
    private final DrainGate gate;
    private final ExecutorService executor;
    private final ScheduledExecutorService watchTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "llmaos-watch");
        t.setDaemon(true);
        return t;
    });
    private final NetworkMeter network = new NetworkMeter();
    private final ResourceApi resourceApi;
    private final List<String> serviceNames = new ArrayList<>();
    private final Server server;
    private final String localName;
    private final Server localServer;
    private final TokenFile tokens;
    private final ServerTls tls;
    /** Bounds the connections open at once; null when --max-connections is 0. */
    private final ConnectionLimit connections;

    private GrpcEndpoint(Builder b) {
        this.settings = b.settings;
        this.status = b.status;
        this.clock = b.clock;
        this.gate = new DrainGate(status);
        this.executor = EndpointParts.boundedExecutor(settings.executorThreads());
        EndpointParts.quietLeakDetection();

        if (b.models == null || b.scheduler == null || b.resources == null) {
            throw new IllegalStateException(
                    "an endpoint needs the model manager, the scheduler and the resource monitor");
        }
        Watches watches = new Watches(watchTimer);
        this.resourceApi = new ResourceApi(b.resources, b.scheduler, network, watches, b.models.ledger());
        RequestEnds access = new RequestEnds(b.clock, settings.accessLog(), b.apiObserver, b.tracer);
        List<BindableService> services = new ArrayList<>(List.of(
                new InferenceApi(b.scheduler, b.clock, settings.maxElementBytes(), settings.maxPromptBytes(), access),
                new ModelRepositoryApi(b.models),
                new SchedulerApi(b.scheduler, watches),
                resourceApi,
                new OipApi(
                        new OipServices(
                                status,
                                b.buildInfo,
                                b.models,
                                b.scheduler,
                                b.clock,
                                new SharedMemoryRegions(b.sharedMemoryDir),
                                b.logs,
                                access),
                        settings.maxElementBytes(),
                        settings.maxPromptBytes())));
        services.addAll(b.extraServices);

        SecuritySettings security = settings.security();
        this.tokens = security.authOn() ? TokenFile.open(security.authTokens()) : null;
        this.tls = security.tlsOn() ? new ServerTls(security) : null;
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        NettyServerBuilder nb = (tls == null
                        ? NettyServerBuilder.forAddress(address)
                        : NettyServerBuilder.forAddress(address, tls.credentials()))
                .executor(executor)
                .decompressorRegistry(DeflateCodec.decompressors())
                .compressorRegistry(DeflateCodec.compressors())
                .addTransportFilter(network.transportFilter())
                .addStreamTracerFactory(network.streamTracer())
                .maxInboundMessageSize(settings.maxInboundMessageBytes())
                .maxInboundMetadataSize(settings.maxInboundMetadataBytes())
                .maxConcurrentCallsPerConnection(settings.maxConcurrentCallsPerConnection())
                .keepAliveTime(Durations.nanos(settings.keepAliveTime()), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(Durations.nanos(settings.keepAliveTimeout()), TimeUnit.NANOSECONDS)
                .permitKeepAliveTime(Durations.nanos(settings.permitKeepAliveTime()), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(settings.permitKeepAliveWithoutCalls());
        this.connections = settings.maxConnections() > 0 ? new ConnectionLimit(settings.maxConnections()) : null;
        if (connections != null) {
            nb.channelFactory(connections.channels())
                    .bossEventLoopGroup(connections.boss())
                    .workerEventLoopGroup(connections.workers());
        }
        if (settings.maxRstFramesPerSecond() > 0) {
            // the HTTP/2 rapid-reset flood: a connection resetting streams faster than this is closed
            nb.maxRstFramesPerWindow(settings.maxRstFramesPerSecond(), 1);
        }
        if (!settings.maxConnectionIdle().isZero()) {
            nb.maxConnectionIdle(Durations.nanos(settings.maxConnectionIdle()), TimeUnit.NANOSECONDS);
        }
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        for (BindableService service : services) {
            ServerServiceDefinition definition = service.bindService();
            serviceNames.add(definition.getServiceDescriptor().getName());
            definitions.add(RequestParsing.wrap(definition));
        }
        definitions.add(RequestParsing.wrap(health.getHealthService().bindService()));
        definitions.add(
                RequestParsing.wrap(ProtoReflectionServiceV1.newInstance().bindService()));
        definitions.add(RequestParsing.wrap(EndpointParts.legacyReflection().bindService()));
        // interceptors run in reverse order of registration: the safety net is outermost
        List<io.grpc.ServerInterceptor> interceptors = new ArrayList<>(List.of(
                new WatchLimit(settings.maxWatchStreamsPerClient()), new LocalSharedMemory(), new TenantInterceptor()));
        if (b.tracer != RequestTracer.OFF) {
            interceptors.add(io.llmaos.server.api.interceptor.TraceOrigin.interceptor());
        }
        if (tokens != null) {
            interceptors.add(new AuthInterceptor(tokens::table));
        }
        interceptors.add(gate);
        interceptors.add(new StatusSafetyNet());
        definitions.forEach(nb::addService);
        interceptors.forEach(nb::intercept);
        this.server = nb.build();
        // the same services behind the same interceptors, in process: what the HTTP listener calls, so
        // REST and gRPC share every behaviour (validation, auth, tenants, limits, drain, traces)
        this.localName = "llmaos-local-" + java.util.UUID.randomUUID();
        io.grpc.inprocess.InProcessServerBuilder local =
                io.grpc.inprocess.InProcessServerBuilder.forName(localName).executor(executor);
        definitions.forEach(local::addService);
        interceptors.forEach(local::intercept);
        // outermost: an HTTP request's client certificate, for the tenant interceptor
        local.intercept(io.llmaos.server.api.interceptor.HttpPeer.interceptor());
        this.localServer = local.build();

        setHealth(ServingStatus.NOT_SERVING);
        health.setStatus(LIVENESS, ServingStatus.SERVING);
        status.onChange(this::onPhase);
    }

    /** Starts a builder for the endpoint of a server with these settings and status. */
    public static Builder builder(ServerSettings settings, ServerStatus status, BuildInfo buildInfo) {
        return new Builder(settings, status, buildInfo);
    }

    /**
     * Binds the port. Health and readiness probes answer at once; other calls are refused with
     * UNAVAILABLE until the server moves to SERVING.
     */
    public void start() throws IOException {
        try {
            localServer.start();
            server.start();
        } catch (IOException | RuntimeException e) {
            if (connections != null) {
                connections.shutdown();
            }
            throw e;
        }
        SecuritySettings security = settings.security();
        log.info(
                "security: {}, {}",
                security.tlsOn() ? (security.tlsClientCa() != null ? "mutual TLS" : "TLS") : "plaintext",
                tokens != null ? "bearer tokens (" + tokens.table().size() + ")" : "no authentication");
        if (security.insecure()) {
            Runnable warn = () -> log.warn(
                    "INSECURE: listening on {} without authentication (--insecure): anyone who can reach this port"
                            + " can run, load and unload models",
                    settings.host());
            warn.run();
            watchTimer.scheduleAtFixedRate(warn, 1, 1, TimeUnit.HOURS);
        }
    }

    /** What ResourceService answers now: the machine, the network, budgets, U and LB (telemetry reads it). */
    public io.llmaos.proto.v1.ResourceSnapshot resourceSnapshot() {
        return resourceApi.snapshot();
    }

    /**
     * A channel to the services in this process, behind the same interceptors as the network's (the
     * HTTP listener's way in); callbacks run on the thread that completes the call.
     */
    public io.grpc.ManagedChannel localChannel() {
        return io.grpc.inprocess.InProcessChannelBuilder.forName(localName)
                .directExecutor()
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .build();
    }

    /** The port's TLS for the server's other listeners, or null when TLS is off. */
    public TlsManagers tlsManagers() {
        return tls == null ? null : tls.managers();
    }

    /** The port bound (useful when the settings asked for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Drains and stops the server; see the class comment. Safe to call more than once. */
    public DrainReport drain(Duration grace) {
        long start = clock.nanoTime();
        status.moveTo(ServingPhase.DRAINING);
        boolean idle;
        try {
            idle = gate.awaitIdle(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        int abandoned = gate.inFlight();
        // GOAWAY first: calls already on the wire (refusals being written included) end as answered, and
        // a client's calls that this server did not take are refused at the transport and retried
        // elsewhere; shutdownNow would cut both with RST_STREAM CANCEL, which no client retries. Then
        // what is left (watch streams, calls past the grace) is cancelled.
        server.shutdown();
        localServer.shutdown();
        awaitGoaway(Duration.ofNanos(Math.max(0, grace.toNanos() - (clock.nanoTime() - start))));
        server.shutdownNow();
        localServer.shutdownNow();
        awaitQuietly();
        status.moveTo(ServingPhase.STOPPED);
        DrainReport report = new DrainReport(idle, abandoned, Duration.ofNanos(clock.nanoTime() - start));
        log.info(
                "stopped: in-flight calls {} within the grace period of {} ms ({} cancelled), drain took {} ms",
                idle ? "all finished" : "did not all finish",
                grace.toMillis(),
                abandoned,
                report.took().toMillis());
        return report;
    }

    private void onPhase(ServingPhase phase) {
        switch (phase) {
            case SERVING -> setHealth(ServingStatus.SERVING);
            // every name but LIVENESS; no phase comes back to SERVING after this one
            case DRAINING -> setHealth(ServingStatus.NOT_SERVING);
            default -> {}
        }
    }

    private void setHealth(ServingStatus servingStatus) {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, servingStatus);
        serviceNames.forEach(name -> health.setStatus(name, servingStatus));
    }

    /** Waits (at most {@link #GOAWAY_WAIT}, and within what is left of the grace) for the calls still open to end. */
    private void awaitGoaway(Duration left) {
        long wait = Math.min(GOAWAY_WAIT.toNanos(), left.toNanos());
        try {
            server.awaitTermination(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitQuietly() {
        try {
            if (!server.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the gRPC server did not terminate within {} ms", TERMINATION_WAIT.toMillis());
            }
            executor.shutdownNow();
            watchTimer.shutdownNow();
            if (connections != null) {
                connections.shutdown();
            }
            EndpointParts.closeQuietly(tokens);
            EndpointParts.closeQuietly(tls);
            if (!executor.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("gRPC executor threads still busy after {} ms", TERMINATION_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Assembles an endpoint; the server's composition root supplies the layers. */
    public static final class Builder {
        private final ServerSettings settings;
        private final ServerStatus status;
        private final BuildInfo buildInfo;
        private Clock clock = Clock.system();
        private final List<BindableService> extraServices = new ArrayList<>();
        private LifecycleController models;
        private Dispatcher scheduler;
        private ResourceMonitor resources;
        private io.llmaos.server.core.runtime.LogControl logs = io.llmaos.server.core.runtime.JulLogControl.detached();
        private java.nio.file.Path sharedMemoryDir = java.nio.file.Path.of("/dev/shm");
        private ApiObserver apiObserver;
        private RequestTracer tracer = RequestTracer.OFF;

        private Builder(ServerSettings settings, ServerStatus status, BuildInfo buildInfo) {
            this.settings = settings;
            this.status = status;
            this.buildInfo = buildInfo;
        }

        /** The clock used to time drains. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** The model layer the repository and inference services use. */
        public Builder models(LifecycleController value) {
            this.models = value;
            return this;
        }

        /** The scheduler the inference services submit to. */
        public Builder scheduler(Dispatcher value) {
            this.scheduler = value;
            return this;
        }

        /** The resource monitor the resource service reads. */
        public Builder resources(ResourceMonitor value) {
            this.resources = value;
            return this;
        }

        /** Who traces requests (default: nobody). */
        public Builder tracer(RequestTracer value) {
            this.tracer = value;
            return this;
        }

        /** Who hears of each request's end (telemetry); none by default. */
        public Builder apiObserver(ApiObserver value) {
            this.apiObserver = value;
            return this;
        }

        /** The process log's settings, which Triton's LogSettings reads and changes. */
        public Builder logs(io.llmaos.server.core.runtime.LogControl value) {
            this.logs = value;
            return this;
        }

        /** The folder of POSIX shared-memory objects (/dev/shm) regions are registered from. */
        public Builder sharedMemoryDir(java.nio.file.Path value) {
            this.sharedMemoryDir = value;
            return this;
        }

        /** A further gRPC service to serve beside the contract (extensions and test fixtures). */
        public Builder service(BindableService service) {
            extraServices.add(service);
            return this;
        }

        public GrpcEndpoint build() {
            return new GrpcEndpoint(this);
        }
    }
}
