package io.llmaos.server.config;

import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.request.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves every {@link Setting} from flags, then {@code LLMAOS_*} environment variables, then the
 * config file, then the default; parses and validates each; and either returns the
 * {@link ServerSettings} or throws one {@link SettingsException} listing every problem.
 */
public final class SettingsLoader {
    private static final long MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

    private final Map<String, String> environment;
    private final Path home;
    private final int cores;

    /**
     * @param environment the process environment (only {@code LLMAOS_*} entries are read)
     * @param home        the installation folder; the default model repository is {@code home/models}
     * @param cores       the number of cores, for thread defaults
     */
    public SettingsLoader(Map<String, String> environment, Path home, int cores) {
        this.environment = Map.copyOf(environment);
        this.home = home;
        this.cores = cores;
    }

    /** Resolves the settings, with {@code flags} (a setting to its flag's text) taking precedence. */
    public ServerSettings load(Map<Setting, String> flags) {
        List<String> problems = new ArrayList<>();
        Map<Setting, String> fromFile = new EnumMap<>(Setting.class);
        Source configSource = pick(Setting.CONFIG, flags, Map.of());
        if (configSource != null) {
            fromFile = ConfigFile.read(Path.of(configSource.text()), problems);
        }
        Values v = new Values(flags, fromFile, problems);

        String host = v.get(Setting.HOST, SettingsLoader::host);
        Integer port = v.get(Setting.PORT, t -> (int) range(ValueParsers.integer(t), 0, 65535));
        Path models = v.get(Setting.MODELS, home.resolve("models").toString(), SettingsLoader::directory);
        ModelControlMode mode = v.get(Setting.MODEL_CONTROL_MODE, ModelControlMode::parse);
        List<String> loadModels = v.get(Setting.LOAD_MODELS, SettingsLoader::names);
        List<String> corsOrigins = v.get(Setting.HTTP_CORS_ORIGINS, SettingsLoader::origins);
        Duration pollInterval = v.get(Setting.REPOSITORY_POLL_INTERVAL, t -> atLeast(t, Duration.ofMillis(100)));
        Integer loadThreads = v.get(Setting.LOAD_THREADS, t -> (int) range(ValueParsers.integer(t), 1, 64));
        Integer pytorchThreads = v.get(Setting.PYTORCH_THREADS, t -> (int) range(ValueParsers.integer(t), 1, 1024));
        Integer pytorchInterop = v.get(Setting.PYTORCH_INTEROP_THREADS, String.valueOf(pytorchThreads), t ->
                (int) range(ValueParsers.integer(t), 1, 1024));
        Integer threadBudget = v.get(
                Setting.THREAD_BUDGET, String.valueOf(4 * cores), t -> (int) range(ValueParsers.integer(t), 1, 4096));
        Integer instanceBudget = v.get(Setting.INSTANCE_BUDGET, t -> (int) range(ValueParsers.integer(t), 0, 1 << 20));
        Integer executorThreads = v.get(Setting.EXECUTOR_THREADS, String.valueOf(Math.max(4, 2 * cores)), t ->
                (int) range(ValueParsers.integer(t), 1, 4096));
        Integer maxMessage = v.get(
                Setting.MAX_INBOUND_MESSAGE_SIZE, t -> (int) range(ValueParsers.bytes(t), 1024, MAX_MESSAGE_BYTES));
        Integer maxMetadata =
                v.get(Setting.MAX_INBOUND_METADATA_SIZE, t -> (int) range(ValueParsers.bytes(t), 1024, 16L << 20));
        Integer maxCalls = v.get(Setting.MAX_CONCURRENT_CALLS_PER_CONNECTION, t ->
                (int) range(ValueParsers.integer(t), 1, Integer.MAX_VALUE));
        Duration keepAlive = v.get(Setting.KEEPALIVE_TIME, t -> atLeast(t, Duration.ofSeconds(1)));
        Duration keepAliveTimeout = v.get(Setting.KEEPALIVE_TIMEOUT, t -> atLeast(t, Duration.ofMillis(100)));
        Duration permitKeepAlive = v.get(Setting.PERMIT_KEEPALIVE_TIME, t -> atLeast(t, Duration.ZERO));
        Boolean permitWithoutCalls = v.get(Setting.PERMIT_KEEPALIVE_WITHOUT_CALLS, ValueParsers::bool);
        Duration maxIdle = v.get(Setting.MAX_CONNECTION_IDLE, t -> atLeast(t, Duration.ZERO));
        Integer metricsPort = v.get(Setting.METRICS_PORT, t -> (int) range(ValueParsers.integer(t), 0, 65535));
        Integer httpPort = v.get(Setting.HTTP_PORT, t -> (int) range(ValueParsers.integer(t), 0, 65535));
        if (httpPort != null && httpPort != 0 && (httpPort.equals(port) || httpPort.equals(metricsPort))) {
            problems.add("http-port " + httpPort + " is taken by " + (httpPort.equals(port) ? "port" : "metrics-port"));
        }
        java.net.URI otlp = v.get(Setting.OTLP_ENDPOINT, SettingsLoader::otlpEndpoint);
        Duration otlpInterval = v.get(Setting.OTLP_INTERVAL, t -> atLeast(t, Duration.ofSeconds(1)));
        Double traceRatio = v.get(Setting.TRACE_SAMPLE_RATIO, SettingsLoader::ratio);
        if (traceRatio != null && traceRatio > 0 && otlp == null && problems.isEmpty()) {
            problems.add("trace-sample-ratio needs otlp-endpoint: the collector the sampled traces are sent to");
        }
        Integer maxConnections =
                v.get(Setting.MAX_CONNECTIONS, t -> (int) range(ValueParsers.integer(t), 0, Integer.MAX_VALUE));
        Integer maxWatches =
                v.get(Setting.MAX_WATCH_STREAMS_PER_CLIENT, t -> (int) range(ValueParsers.integer(t), 1, 1 << 20));
        Integer maxRst = v.get(
                Setting.MAX_RST_FRAMES_PER_SECOND, t -> (int) range(ValueParsers.integer(t), 0, Integer.MAX_VALUE));
        Duration grace = v.get(Setting.SHUTDOWN_GRACE, t -> atLeast(t, Duration.ZERO));
        Duration sampleInterval = v.get(Setting.RESOURCE_SAMPLE_INTERVAL, t -> atLeast(t, Duration.ofMillis(100)));
        Long memoryBudget = v.get(Setting.MODEL_MEMORY_BUDGET, t -> t.equals("0") ? 0L : ValueParsers.bytes(t));
        Boolean onDemand = v.get(Setting.LOAD_ON_DEMAND, ValueParsers::bool);
        Boolean accessLog = v.get(Setting.ACCESS_LOG, ValueParsers::bool);
        Duration onDemandWait = v.get(Setting.LOAD_ON_DEMAND_WAIT, t -> atLeast(t, Duration.ofMillis(100)));
        Duration loadTimeout = v.get(Setting.LOAD_TIMEOUT, t -> atLeast(t, Duration.ofMillis(100)));
        Integer maxElementBytes =
                v.get(Setting.MAX_ELEMENT_BYTES, t -> (int) range(ValueParsers.bytes(t), 1, MAX_MESSAGE_BYTES));
        Integer maxPromptBytes =
                v.get(Setting.MAX_PROMPT_BYTES, t -> (int) range(ValueParsers.bytes(t), 1, MAX_MESSAGE_BYTES));
        Path authTokens = v.get(Setting.AUTH_TOKENS, t -> tokenFile(optionalFile(t)));
        Path tlsCert = v.get(Setting.TLS_CERT, SettingsLoader::optionalFile);
        Path tlsKey = v.get(Setting.TLS_KEY, SettingsLoader::optionalFile);
        Path tlsClientCa = v.get(Setting.TLS_CLIENT_CA, SettingsLoader::optionalFile);
        Boolean insecure = v.get(Setting.INSECURE, ValueParsers::bool);
        SecuritySettings security = problems.isEmpty()
                ? SecuritySettings.check(host, authTokens, tlsCert, tlsKey, tlsClientCa, insecure, problems)
                : null;

        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new ServerSettings(
                host,
                port,
                models,
                mode,
                loadModels,
                pollInterval,
                loadThreads,
                new ServerSettings.Pytorch(pytorchThreads, pytorchInterop),
                threadBudget,
                instanceBudget,
                executorThreads,
                maxMessage,
                maxMetadata,
                maxCalls,
                keepAlive,
                keepAliveTimeout,
                permitKeepAlive,
                permitWithoutCalls,
                maxIdle,
                maxRst,
                maxConnections,
                maxWatches,
                grace,
                sampleInterval,
                memoryBudget,
                onDemand ? onDemandWait : null,
                loadTimeout,
                maxElementBytes,
                maxPromptBytes,
                metricsPort,
                httpPort,
                corsOrigins,
                new ServerSettings.Otlp(otlp, otlpInterval, traceRatio),
                accessLog,
                security);
    }

    private Source pick(Setting setting, Map<Setting, String> flags, Map<Setting, String> fromFile) {
        String flag = flags.get(setting);
        if (flag != null) {
            return new Source(flag, "flag " + setting.flag());
        }
        String env = environment.get(setting.envVar());
        if (env != null && !env.isBlank()) {
            return new Source(env, "environment " + setting.envVar());
        }
        String file = fromFile.get(setting);
        if (file != null) {
            return new Source(file, "config file key '" + setting.key() + "'");
        }
        return null;
    }

    private static String host(String text) {
        String host = text.trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve this host name");
        }
        return host;
    }

    /** The comma-separated items of {@code text}, stripped, empty ones left out. */
    private static List<String> items(String text) {
        return java.util.Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(n -> !n.isEmpty())
                .toList();
    }

    /** Web origins (scheme://host[:port]) or "*", comma-separated; none when empty. */
    private static List<String> origins(String text) {
        List<String> origins = items(text);
        for (String origin : origins) {
            if (!origin.equals("*") && !origin.matches("https?://[A-Za-z0-9.\\[\\]:-]+")) {
                throw new IllegalArgumentException(
                        "'" + Echo.cut(origin) + "' is not a web origin (scheme://host[:port], no path) or *");
            }
        }
        return origins;
    }

    private static List<String> names(String text) {
        List<String> names = items(text);
        for (String name : names) {
            if (!name.equals("*") && !Names.isModelName(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a model name ([A-Za-z0-9._-])");
            }
        }
        return names;
    }

    private static Path directory(String text) {
        Path path;
        try {
            path = Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path");
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("no such directory: " + path);
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("directory is not readable: " + path);
        }
        return path;
    }

    /** {@code path} when it is null or a token file that parses (the server reads it again at start). */
    private static Path tokenFile(Path path) {
        if (path != null) {
            try {
                io.llmaos.server.security.TokenTable.parse(Files.readAllLines(path));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read it: " + e.getMessage());
            }
        }
        return path;
    }

    /** A readable file, or null for none ({@code none} or empty). */
    private static Path optionalFile(String text) {
        if (text.isBlank() || text.strip().startsWith("none")) {
            return null;
        }
        Path path;
        try {
            path = Path.of(text.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new IllegalArgumentException("no such readable file: " + path);
        }
        return path;
    }

    /** An OTLP/HTTP base address (http or https with a host), or null for none (empty). */
    private static java.net.URI otlpEndpoint(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be an http:// or https:// address, e.g. http://collector:4318");
    }

    /** A share from 0 to 1. */
    private static double ratio(String text) {
        double r;
        try {
            r = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number from 0 to 1, e.g. 0.01");
        }
        if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException("expected a number from 0 to 1, e.g. 0.01");
        }
        return r;
    }

    private static long range(long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return value;
    }

    private static Duration atLeast(String text, Duration min) {
        Duration value = ValueParsers.duration(text);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException("must be at least " + min.toMillis() + " ms");
        }
        return value;
    }

    /** A raw value and where it came from, for error messages. */
    private record Source(String text, String origin) {}

    /** Resolves, parses and collects problems for one setting at a time. */
    private final class Values {
        private final Map<Setting, String> flags;
        private final Map<Setting, String> fromFile;
        private final List<String> problems;

        Values(Map<Setting, String> flags, Map<Setting, String> fromFile, List<String> problems) {
            this.flags = flags;
            this.fromFile = fromFile;
            this.problems = problems;
        }

        <T> T get(Setting setting, Function<String, T> parser) {
            return get(setting, setting.defaultText(), parser);
        }

        <T> T get(Setting setting, String defaultText, Function<String, T> parser) {
            Source source = pick(setting, flags, fromFile);
            if (source == null) {
                source = new Source(defaultText, "default");
            }
            try {
                return parser.apply(source.text());
            } catch (IllegalArgumentException | ArithmeticException e) {
                problems.add(setting.key() + ": '" + source.text() + "' (from " + source.origin() + ") is invalid: "
                        + e.getMessage());
                return null;
            }
        }
    }
}
