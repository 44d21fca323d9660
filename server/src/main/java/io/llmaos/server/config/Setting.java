package io.llmaos.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every server setting: its flag and config-file key, its environment variable, what it means and
 * its default. The command line, the environment reader and the config-file reader are all driven
 * by this one table.
 */
public enum Setting {
    CONFIG("config", "FILE", "A YAML or JSON file of settings; keys are the flag names without --", "none"),
    HOST("host", "HOST", "Address to bind; 0.0.0.0 listens on every interface (containers)", "127.0.0.1"),
    PORT("port", "PORT", "Port to listen on; 0 picks a free port", "8001"),
    METRICS_PORT(
            "metrics-port",
            "PORT",
            "Port of the Prometheus scrape endpoint (GET /metrics), on the gRPC host; 0 turns it off",
            "8002"),
    HTTP_PORT(
            "http-port",
            "PORT",
            "Port of the HTTP listener (KServe v2 REST, Triton's REST extensions), on the gRPC host and with its"
                    + " auth and TLS; 0 turns it off",
            "8000"),
    HTTP_CORS_ORIGINS(
            "http-cors-origins",
            "ORIGINS",
            "Web origins whose pages may call the HTTP port from a browser (CORS), comma-separated"
                    + " (https://app.example), or * for any; none by default",
            ""),
    OTLP_ENDPOINT(
            "otlp-endpoint",
            "URL",
            "An OpenTelemetry collector's OTLP/HTTP address (e.g. http://collector:4318): metrics are pushed there"
                    + " (/v1/metrics), and sampled request traces (/v1/traces); empty = off",
            ""),
    OTLP_INTERVAL("otlp-interval", "DURATION", "How often metrics are pushed to --otlp-endpoint", "60s"),
    TRACE_SAMPLE_RATIO(
            "trace-sample-ratio",
            "RATIO",
            "The share of requests traced (0 to 1, e.g. 0.01), sent to --otlp-endpoint; a client's W3C"
                    + " traceparent decides for its own requests; 0 = no tracing",
            "0"),
    MODELS("models", "DIR", "The model repository folder", "the bundled models/"),
    MODEL_CONTROL_MODE(
            "model-control-mode",
            "MODE",
            "explicit: load --load-models at start and what LoadModel asks; poll: also load, reload and unload"
                    + " models as the repository changes",
            "explicit"),
    LOAD_MODELS("load-models", "NAMES", "Models to load at start, comma-separated; * = every model", "*"),
    REPOSITORY_POLL_INTERVAL("repository-poll-interval", "DURATION", "How often poll mode scans the repository", "5s"),
    LOAD_THREADS("load-threads", "N", "Models loading at once (a bounded background pool)", "2"),
    PYTORCH_THREADS(
            "pytorch-threads",
            "N",
            "libtorch intra-op threads of a model whose config sets no intraOpNumThreads parameter (small models run"
                    + " fastest on 1)",
            "1"),
    PYTORCH_INTEROP_THREADS(
            "pytorch-interop-threads",
            "N",
            "libtorch inter-op threads, process-wide (TorchScript fork/wait and inter-op parallelism)",
            "--pytorch-threads"),
    THREAD_BUDGET(
            "thread-budget",
            "N",
            "Engine threads all model instances may hold together (threads per instance x instances); a load or"
                    + " scale-up beyond it is refused",
            "4 x the number of cores"),
    INSTANCE_BUDGET(
            "instance-budget",
            "N",
            "Model instances all pools may hold together; a load or scale-up beyond it is refused; 0 = no limit",
            "0"),
    EXECUTOR_THREADS(
            "executor-threads", "N", "Threads of the bounded executor that runs gRPC calls", "max(4, 2 x cores)"),
    MAX_INBOUND_MESSAGE_SIZE(
            "max-inbound-message-size",
            "SIZE",
            "Largest request message accepted (e.g. 64MiB); larger ones get RESOURCE_EXHAUSTED",
            "64MiB"),
    MAX_INBOUND_METADATA_SIZE(
            "max-inbound-metadata-size", "SIZE", "Largest request metadata (headers) accepted", "64KiB"),
    MAX_CONCURRENT_CALLS_PER_CONNECTION(
            "max-concurrent-calls-per-connection", "N", "Calls one client connection may have open at once", "1000"),
    KEEPALIVE_TIME("keepalive-time", "DURATION", "Ping a client connection after it has been quiet this long", "2m"),
    KEEPALIVE_TIMEOUT(
            "keepalive-timeout", "DURATION", "Close a connection whose ping is not answered in this time", "20s"),
    PERMIT_KEEPALIVE_TIME(
            "permit-keepalive-time",
            "DURATION",
            "Clients may ping at most this often; a client pinging faster is disconnected",
            "10s"),
    PERMIT_KEEPALIVE_WITHOUT_CALLS(
            "permit-keepalive-without-calls", "BOOL", "Allow client pings on connections with no open call", "false"),
    MAX_CONNECTION_IDLE(
            "max-connection-idle",
            "DURATION",
            "Close connections idle this long (HTTP: with no request in progress); 0 = never",
            "0"),
    MAX_CONNECTIONS(
            "max-connections",
            "N",
            "Client connections open at once, on each port; a connection beyond it is closed as it arrives (0 = no limit)",
            "10000"),
    MAX_WATCH_STREAMS_PER_CLIENT(
            "max-watch-streams-per-client",
            "N",
            "Watch streams (models, stats, resources, health) one client address may hold open at once",
            "64"),
    MAX_RST_FRAMES_PER_SECOND(
            "max-rst-frames-per-second",
            "N",
            "HTTP/2 stream resets a client connection may send per second before it is closed (the rapid-reset"
                    + " flood); 0 = no limit",
            "1000"),
    SHUTDOWN_GRACE(
            "shutdown-grace",
            "DURATION",
            "On SIGTERM/SIGINT, how long in-flight calls may take to finish before they are cancelled",
            "30s"),
    RESOURCE_SAMPLE_INTERVAL(
            "resource-sample-interval",
            "DURATION",
            "The most often CPU, memory, GPUs and disk are sampled (at least 100ms); samples are taken only"
                    + " when ResourceService is read, never in the background",
            "1s"),
    MODEL_MEMORY_BUDGET(
            "model-memory-budget",
            "SIZE",
            "Memory all loaded models may reserve together (e.g. 8GiB); a load beyond it evicts idle models,"
                    + " least recently used first, or fails; 0 = no limit",
            "0"),
    ACCESS_LOG(
            "access-log",
            "BOOL",
            "One JSON line per finished request (ids, timings, status; never a payload) to the logger llmaos.access",
            "false"),
    LOAD_ON_DEMAND(
            "load-on-demand",
            "BOOL",
            "A request for a model of the repository that is not loaded loads it first",
            "false"),
    LOAD_ON_DEMAND_WAIT(
            "load-on-demand-wait", "DURATION", "How long a request waits for its model to load on demand", "30s"),
    LOAD_TIMEOUT(
            "load-timeout",
            "DURATION",
            "How long one model load (engine load, instances and warmup) may take before it is abandoned",
            "5m"),
    MAX_ELEMENT_BYTES(
            "max-element-bytes",
            "SIZE",
            "Largest element of a BYTES tensor (e.g. one text to embed), checked before anything tokenizes it",
            "64KiB"),
    MAX_PROMPT_BYTES(
            "max-prompt-bytes",
            "SIZE",
            "Largest Generate prompt text (UTF-8), checked before it is tokenized",
            "256KiB"),
    AUTH_TOKENS(
            "auth-tokens",
            "FILE",
            "Turns authentication on: one token per line, 'sha256-hex-of-token tenant role[,role]' (roles infer,"
                    + " admin; # comments); re-read when it changes",
            "none (no authentication: loopback only)"),
    TLS_CERT("tls-cert", "FILE", "TLS: the server's certificate chain (PEM); re-read when it changes", "none"),
    TLS_KEY("tls-key", "FILE", "TLS: the server's private key (PEM, PKCS#8); re-read when it changes", "none"),
    TLS_CLIENT_CA(
            "tls-client-ca",
            "FILE",
            "Mutual TLS: clients must present a certificate signed by these CAs (PEM); re-read when it changes",
            "none"),
    INSECURE(
            "insecure",
            "BOOL",
            "Allow a non-loopback --host without authentication (logged as a warning at start and every hour)",
            "false");

    private final String key;
    private final String paramLabel;
    private final String description;
    private final String defaultText;

    Setting(String key, String paramLabel, String description, String defaultText) {
        this.key = key;
        this.paramLabel = paramLabel;
        this.description = description;
        this.defaultText = defaultText;
    }

    /** The flag without its leading {@code --}, and the config-file key. */
    public String key() {
        return key;
    }

    /** The flag, e.g. {@code --port}. */
    public String flag() {
        return "--" + key;
    }

    /** The environment variable, e.g. {@code LLMAOS_PORT}. */
    public String envVar() {
        return "LLMAOS_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The placeholder shown in help, e.g. {@code DURATION}. */
    public String paramLabel() {
        return paramLabel;
    }

    /** One line for {@code --help}. */
    public String description() {
        return description;
    }

    /** The default as shown in help. */
    public String defaultText() {
        return defaultText;
    }

    /** The setting whose key is {@code key}, if any. */
    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }
}
