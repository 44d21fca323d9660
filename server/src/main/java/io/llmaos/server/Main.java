package io.llmaos.server;

import io.llmaos.server.config.ServerSettings;
import io.llmaos.server.config.Setting;
import io.llmaos.server.config.SettingsException;
import io.llmaos.server.config.SettingsLoader;
import io.llmaos.server.core.runtime.BuildInfo;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.JulLogControl;
import io.llmaos.server.core.runtime.LogControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The server's command line: {@code serve} with one flag per {@link Setting}. Exit status 0 after a
 * graceful shutdown, 2 for bad flags or settings, 1 when the server cannot start.
 */
public final class Main {
    /** Exit status for a command line or settings error. */
    static final int USAGE_ERROR = 2;
    /** Exit status when the server cannot start (e.g. the port is taken). */
    static final int START_FAILED = 1;

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private final Map<String, String> environment;
    private final Path home;
    private final PrintWriter out;
    private final PrintWriter err;
    /** The process log's control, once main installed it (a Main made by a test keeps its own). */
    private LogControl logs = JulLogControl.detached();

    Main(Map<String, String> environment, Path home, PrintWriter out, PrintWriter err) {
        this.environment = environment;
        this.home = home;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        LogControl logs = JulLogControl.install(verbosity(System.getProperty("llmaos.log.level", "info")));
        Path home = Path.of(System.getProperty("llmaos.home", "."));
        Main main =
                new Main(System.getenv(), home, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        main.logs = logs;
        System.exit(main.run(args));
    }

    /** The verbose level of a log level name: debug 1, trace 2, anything else 0. */
    static int verbosity(String level) {
        return switch (level.toLowerCase(java.util.Locale.ROOT)) {
            case "debug" -> 1;
            case "trace" -> 2;
            default -> 0;
        };
    }

    /** Parses {@code args}; for {@code serve}, runs the server until a shutdown signal. */
    int run(String[] args) {
        BuildInfo buildInfo = BuildInfo.fromClasspath();
        CommandLine commandLine = new CommandLine(commandSpec(buildInfo));
        commandLine.setOut(out);
        commandLine.setErr(err);
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println("llmaos: " + e.getMessage());
            err.println("Run 'llmaos serve --help' for the settings.");
            return USAGE_ERROR;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return 0;
        }
        if (!parsed.hasSubcommand()) {
            commandLine.usage(err);
            return USAGE_ERROR;
        }
        ServerSettings settings;
        try {
            settings = settings(
                    parsed.subcommand(), environment, home, Runtime.getRuntime().availableProcessors());
        } catch (SettingsException e) {
            err.println("llmaos: " + e.getMessage());
            return USAGE_ERROR;
        }
        return serve(settings, buildInfo);
    }

    private int serve(ServerSettings settings, BuildInfo buildInfo) {
        LlmaosServer server;
        try {
            server = new LlmaosServer(settings, buildInfo, Clock.system(), logs);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // TLS files that exist but do not parse, a token file that changed since it was checked
            err.println("llmaos: " + e.getMessage());
            return USAGE_ERROR;
        }
        ShutdownSignals signals = new ShutdownSignals(() -> System.exit(START_FAILED));
        signals.install();
        try {
            server.start();
        } catch (IOException e) {
            err.println("llmaos: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage());
            server.shutdown();
            return START_FAILED;
        }
        log.info(
                "LLMA OS {} serving on {}:{} (models: {}){}",
                buildInfo.version(),
                settings.host(),
                server.port(),
                settings.modelsDir(),
                server.httpPort() == 0 ? "" : "; HTTP on port " + server.httpPort());
        try {
            signals.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.shutdown();
        return 0;
    }

    /**
     * The settings {@code llmaos serve ARGS} would run with in {@code environment}, parsed and checked
     * as the server does (deploy/'s tests check the manifests' flags and variables with it).
     *
     * @param args the arguments after {@code serve}
     * @throws SettingsException naming every flag or value the server would refuse
     */
    public static ServerSettings serveSettings(
            java.util.List<String> args, Map<String, String> environment, Path home, int cores) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("serve"));
        all.addAll(args);
        ParseResult parsed;
        try {
            parsed = new CommandLine(commandSpec(BuildInfo.fromClasspath())).parseArgs(all.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new SettingsException(java.util.List.of(e.getMessage()));
        }
        return settings(parsed.subcommand(), environment, home, cores);
    }

    private static ServerSettings settings(ParseResult serve, Map<String, String> environment, Path home, int cores) {
        return new SettingsLoader(environment, home, cores).load(flags(serve));
    }

    private static Map<Setting, String> flags(ParseResult serve) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        for (OptionSpec option : serve.matchedOptions()) {
            Setting.byKey(option.longestName().substring(2)).ifPresent(s -> flags.put(s, option.getValue()));
        }
        return flags;
    }

    private static CommandSpec commandSpec(BuildInfo buildInfo) {
        CommandSpec serve = CommandSpec.create().name("serve").mixinStandardHelpOptions(true);
        serve.usageMessage()
                .description(
                        "Starts the LLMA OS gRPC server on a model repository.",
                        "Each setting is taken from its flag, else its LLMAOS_* environment variable,"
                                + " else the --config file, else its default.");
        for (Setting s : Setting.values()) {
            OptionSpec.Builder option = OptionSpec.builder(s.flag())
                    .paramLabel(s.paramLabel())
                    .type(String.class)
                    .description(s.description() + " (env " + s.envVar() + "; default " + s.defaultText() + ")");
            if (s.paramLabel().equals("BOOL")) {
                // a switch: --insecure alone means true
                option.arity("0..1").fallbackValue("true");
            }
            serve.addOption(option.build());
        }
        CommandSpec root = CommandSpec.create()
                .name("llmaos")
                .mixinStandardHelpOptions(true)
                .version("LLMA OS " + buildInfo.version());
        root.usageMessage().description("LLMA OS: a gRPC-first model serving plane.");
        root.addSubcommand("serve", serve);
        return root;
    }
}
