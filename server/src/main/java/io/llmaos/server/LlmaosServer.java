package io.llmaos.server;

import io.llmaos.server.api.ApiObserver;
import io.llmaos.server.api.DrainReport;
import io.llmaos.server.api.GrpcEndpoint;
import io.llmaos.server.config.ModelControlMode;
import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.JulLogControl;
import io.llmaos.server.core.runtime.LogControl;
import io.llmaos.server.core.runtime.ServerStatus;
import io.llmaos.server.core.runtime.ServingPhase;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.djl.DjlRuntime;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.LifecycleLimits;
import io.llmaos.server.model.lifecycle.ModelStatus;
import io.llmaos.server.model.lifecycle.RepositoryPoller;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.MachineProbe;
import io.llmaos.server.resource.MemoryLedger;
import io.llmaos.server.resource.ProcessMemory;
import io.llmaos.server.resource.ResourceMonitor;
import io.llmaos.server.scheduler.Dispatcher;
import io.llmaos.server.scheduler.SchedulingPolicies;
import io.llmaos.server.telemetry.ApiCounters;
import io.llmaos.server.telemetry.ModelStates;
import io.llmaos.server.telemetry.RequestHistograms;
import io.llmaos.server.telemetry.ServerMetrics;
import io.llmaos.server.telemetry.Telemetry;
import io.llmaos.server.telemetry.Tracing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LLMA OS server: builds each layer from the settings, hands each its dependencies, starts the
 * gRPC endpoint, loads the start-up models, and stops everything gracefully. Create one per process
 * (tests create several).
 */
public final class LlmaosServer {
    private static final Logger log = LoggerFactory.getLogger(LlmaosServer.class);

    private final ServerSettings settings;
    private final ServerStatus status = new ServerStatus();
    private final LifecycleController models;
    private final Dispatcher scheduler;
    private final ResourceMonitor resources;
    private final GrpcEndpoint endpoint;
    /** The HTTP listener (null when --http-port is 0). */
    private final io.llmaos.server.api.http.HttpEndpoint http;

    private final ScheduledExecutorService poller;
    private final RepositoryPoller repositoryPoller;
    /** Requests' ends, counted once start() made the meter provider. */
    private volatile ApiObserver apiCounters;

    private final ApiObserver apiEnds = (api, model, status, nanos) -> {
        ApiObserver c = apiCounters;
        if (c != null) {
            c.ended(api, model, status, nanos);
        }
    };
    /** The meter provider and the server's metrics, from start to shutdown. */
    private Telemetry telemetry;

    private ServerMetrics metrics;

    private ModelStates modelStates;

    /** Request traces, from construction to shutdown (off unless sampled and exported). */
    private final Tracing tracing;

    public LlmaosServer(ServerSettings settings, BuildInfo buildInfo, Clock clock) {
        this(settings, buildInfo, clock, JulLogControl.detached());
    }

    /** A server whose log settings (Triton's LogSettings) are {@code logs}. */
    public LlmaosServer(ServerSettings settings, BuildInfo buildInfo, Clock clock, LogControl logs) {
        this(
                settings,
                buildInfo,
                clock,
                DjlRuntime.engines(
                        settings.pytorch().threads(), settings.pytorch().interopThreads()),
                logs);
    }

    /** A server on the given engines (tests wrap the real ones, e.g. to inject failures). */
    public LlmaosServer(ServerSettings settings, BuildInfo buildInfo, Clock clock, List<InferenceEngine> engineList) {
        this(settings, buildInfo, clock, engineList, JulLogControl.detached());
    }

    private LlmaosServer(
            ServerSettings settings,
            BuildInfo buildInfo,
            Clock clock,
            List<InferenceEngine> engineList,
            LogControl logs) {
        this(settings, buildInfo, clock, engineList, logs, Tracing.of(settings.otlp(), clock));
    }

    /**
     * A server on the given engines (null: the real ones) whose requests are traced by {@code tracing}
     * (tests hand spans to the SDK's in-memory exporter).
     */
    public LlmaosServer(
            ServerSettings settings,
            BuildInfo buildInfo,
            Clock clock,
            List<InferenceEngine> engineList,
            Tracing tracing) {
        this(
                settings,
                buildInfo,
                clock,
                engineList == null
                        ? DjlRuntime.engines(
                                settings.pytorch().threads(), settings.pytorch().interopThreads())
                        : engineList,
                JulLogControl.detached(),
                tracing);
    }

    private LlmaosServer(
            ServerSettings settings,
            BuildInfo buildInfo,
            Clock clock,
            List<InferenceEngine> engineList,
            LogControl logs,
            Tracing tracing) {
        this.settings = settings;
        this.tracing = tracing;
        EngineRegistry engines = new EngineRegistry(engineList);
        ProcessMemory memory = new ProcessMemory();
        EngineBudget engineBudget = new EngineBudget(settings.threadBudget(), settings.instanceBudget());
        this.resources = new ResourceMonitor(
                new MachineProbe(settings.modelsDir(), memory), settings.resourceSampleInterval(), clock);
        this.models = new LifecycleController(
                new ModelRepository(settings.modelsDir()),
                engines,
                memory,
                clock,
                pool("llmaos-load", settings.loadThreads()),
                new LifecycleLimits(
                        new MemoryLedger(settings.modelMemoryBudget(), clock),
                        engineBudget,
                        settings.loadTimeout(),
                        settings.loadOnDemandWait()));
        this.scheduler = new Dispatcher(models, new SchedulingPolicies(), clock, engineBudget);
        this.endpoint = GrpcEndpoint.builder(settings, status, buildInfo)
                .clock(clock)
                .models(models)
                .scheduler(scheduler)
                .resources(resources)
                .logs(logs)
                .apiObserver(settings.metricsPort() == 0 && settings.otlp().endpoint() == null ? null : apiEnds)
                .tracer(tracing.on() ? tracing : io.llmaos.server.api.RequestTracer.OFF)
                .build();
        this.http = settings.httpPort() == 0
                ? null
                : new io.llmaos.server.api.http.HttpEndpoint(
                        settings.host(),
                        settings.httpPort(),
                        new io.llmaos.server.api.http.HttpEndpoint.Limits(
                                settings.maxInboundMessageBytes(),
                                settings.maxConnections(),
                                settings.maxConnectionIdle(),
                                settings.httpCorsOrigins()),
                        endpoint.localChannel(),
                        endpoint.tlsManagers());
        this.repositoryPoller = new RepositoryPoller(models.repository(), models);
        this.poller = settings.modelControlMode() == ModelControlMode.POLL
                ? Executors.newSingleThreadScheduledExecutor(daemon("llmaos-poll"))
                : null;
    }

    /** Binds the port, loads the start-up models (failures are logged, not fatal), and starts serving. */
    public void start() throws IOException {
        try {
            telemetry = Telemetry.of(
                    settings.host(),
                    settings.metricsPort(),
                    settings.otlp().endpoint(),
                    settings.otlp().interval());
        } catch (RuntimeException e) {
            throw new IOException("the metrics port " + settings.metricsPort() + ": " + e.getMessage(), e);
        }
        metrics = new ServerMetrics(telemetry.meter(), scheduler, resources, endpoint::resourceSnapshot);
        if (telemetry.collected()) {
            scheduler.observeWith(new RequestHistograms(telemetry.meter()));
            apiCounters = new ApiCounters(telemetry.meter());
            modelStates = new ModelStates(telemetry.meter(), models.registry());
        }
        endpoint.start();
        if (http != null) {
            try {
                http.start();
            } catch (IOException e) {
                endpoint.drain(java.time.Duration.ZERO);
                throw e;
            }
        }
        List<CompletableFuture<ModelStatus>> loads = new ArrayList<>();
        List<String> inRepository = models.scan();
        if (poller != null) {
            loads.addAll(repositoryPoller.poll());
        } else {
            List<String> names = settings.loadModels().contains("*") ? inRepository : settings.loadModels();
            names.forEach(name -> loads.add(models.load(name, null)));
        }
        for (CompletableFuture<ModelStatus> load : loads) {
            load.exceptionally(e -> {
                        log.warn(
                                "start-up load failed: {}",
                                e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                        return null;
                    })
                    .join();
        }
        if (poller != null) {
            long every = settings.repositoryPollInterval().toMillis();
            poller.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        status.moveTo(ServingPhase.SERVING);
    }

    /** The bound port. */
    public int port() {
        return endpoint.port();
    }

    /** The HTTP listener's bound port, or 0 when it is off. */
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    /** Where the server is in its life. */
    public ServingPhase phase() {
        return status.phase();
    }

    /** Refuses new calls, lets in-flight calls finish within the grace period, unloads models, stops. */
    public DrainReport shutdown() {
        if (poller != null) {
            poller.shutdownNow();
        }
        DrainReport report = endpoint.drain(settings.shutdownGrace());
        if (http != null) {
            http.stop();
        }
        models.close();
        scheduler.close();
        if (metrics != null) {
            metrics.close();
            if (modelStates != null) {
                modelStates.close();
            }
            telemetry.close();
        }
        tracing.close();
        resources.close();
        return report;
    }

    private void pollQuietly() {
        try {
            repositoryPoller.poll();
        } catch (RuntimeException e) {
            log.warn("repository poll failed: {}", e.toString());
        }
    }

    private static ExecutorService pool(String name, int threads) {
        return Executors.newFixedThreadPool(threads, daemon(name));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
