package io.llmaos.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The server's resolved and validated settings. Built by {@link SettingsLoader}; see
 * {@link Setting} for what each means.
 *
 * @param loadModels        models to load at start; {@code ["*"]} means every model
 * @param maxConnectionIdle {@link Duration#ZERO} means connections are never closed for idleness
 * @param maxRstFramesPerSecond 0 means no limit on a connection's stream resets
 * @param maxConnections        client connections open at once (0 = no limit)
 * @param metricsPort       the Prometheus scrape endpoint's port (0 = off)
 * @param httpPort          the HTTP listener's port (0 = off)
 * @param httpCorsOrigins   the web origins allowed to call the HTTP port from a browser ("*": any; empty: none)
 * @param otlp              where metrics and traces are pushed over OTLP (endpoint null = off)
 * @param accessLog         whether each finished request writes a JSON line to the logger llmaos.access
 * @param instanceBudget    0 means no limit
 * @param modelMemoryBudget 0 means no limit
 * @param loadOnDemandWait  null when load-on-demand is off
 * @param loadTimeout       how long one load may take before it is abandoned
 * @param maxElementBytes   the largest BYTES tensor element a request may carry
 * @param maxPromptBytes    the largest Generate prompt text, in UTF-8 bytes
 * @param security          authentication, TLS and the binding rule's outcome
 */
public record ServerSettings(
        String host,
        int port,
        Path modelsDir,
        ModelControlMode modelControlMode,
        List<String> loadModels,
        Duration repositoryPollInterval,
        int loadThreads,
        Pytorch pytorch,
        int threadBudget,
        int instanceBudget,
        int executorThreads,
        int maxInboundMessageBytes,
        int maxInboundMetadataBytes,
        int maxConcurrentCallsPerConnection,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        Duration permitKeepAliveTime,
        boolean permitKeepAliveWithoutCalls,
        Duration maxConnectionIdle,
        int maxRstFramesPerSecond,
        int maxConnections,
        int maxWatchStreamsPerClient,
        Duration shutdownGrace,
        Duration resourceSampleInterval,
        long modelMemoryBudget,
        Duration loadOnDemandWait,
        Duration loadTimeout,
        int maxElementBytes,
        int maxPromptBytes,
        int metricsPort,
        int httpPort,
        List<String> httpCorsOrigins,
        Otlp otlp,
        boolean accessLog,
        SecuritySettings security) {

    /**
     * Pushing metrics and traces over OTLP/HTTP.
     *
     * @param endpoint         the collector's base address (metrics go to its /v1/metrics, traces to its
     *                         /v1/traces), null = off
     * @param interval         how often metrics are pushed
     * @param traceSampleRatio the share of requests traced (0 = none)
     */
    /**
     * libtorch's threads.
     *
     * @param threads        intra-op threads of a model whose config does not set its own
     * @param interopThreads inter-op threads, process-wide
     */
    public record Pytorch(int threads, int interopThreads) {}

    /**
     * Pushing metrics and traces over OTLP/HTTP.
     */
    public record Otlp(java.net.URI endpoint, Duration interval, double traceSampleRatio) {}

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(modelsDir, "modelsDir");
        Objects.requireNonNull(modelControlMode, "modelControlMode");
        loadModels = List.copyOf(loadModels);
        httpCorsOrigins = List.copyOf(httpCorsOrigins);
        Objects.requireNonNull(repositoryPollInterval, "repositoryPollInterval");
        Objects.requireNonNull(keepAliveTime, "keepAliveTime");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        Objects.requireNonNull(permitKeepAliveTime, "permitKeepAliveTime");
        Objects.requireNonNull(maxConnectionIdle, "maxConnectionIdle");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(resourceSampleInterval, "resourceSampleInterval");
        Objects.requireNonNull(loadTimeout, "loadTimeout");
        Objects.requireNonNull(security, "security");
    }
}
