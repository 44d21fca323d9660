package io.llmaos.client.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code llmaos} command line. {@code llmaos serve} (the server) is dispatched by the launcher;
 * every other command is a client of a running server ({@code --target}, default
 * {@code $LLMAOS_TARGET} or 127.0.0.1:8001).
 *
 * <p>A command line naming a command builds only that command's model (picocli reads every option of
 * every command it is given, by reflection, which was a third of a short command's time); help, a
 * version or an unknown command gets them all.
 */
@Command(
        name = "llmaos",
        mixinStandardHelpOptions = true,
        version = "llmaos 0.1.0",
        description = "The LLMA OS command line: talk to a running server (start one with 'llmaos serve').")
public final class LlmaosCli {
    /** The commands, by the name each one's {@code @Command} gives. */
    static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("health", HealthCommand::new);
        COMMANDS.put("models", ModelsCommand::new);
        COMMANDS.put("infer", InferCommand::new);
        COMMANDS.put("generate", GenerateCommand::new);
        COMMANDS.put("stats", StatsCommand::new);
        COMMANDS.put("resources", ResourcesCommand::new);
        COMMANDS.put("top", TopCommand::new);
    }

    /** A command line with every command, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cmd = forArgs();
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd;
    }

    /** A command line for {@code args}: only the command they name when they start with one, else all. */
    static CommandLine forArgs(String... args) {
        CommandLine cmd = new CommandLine(new LlmaosCli());
        Supplier<Object> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (named != null) {
            cmd.addSubcommand(named.get());
        } else {
            COMMANDS.values().forEach(c -> cmd.addSubcommand(c.get()));
        }
        return cmd;
    }

    public static void main(String[] args) {
        // a command's start-up: Netty's Flight Recorder events (nothing records them here) and its native
        // transports (a library unpacked to a temporary file; the command's channel runs on Java NIO) stay off
        for (String off : List.of(NETTY_JFR, NETTY_NATIVE)) {
            if (System.getProperty(off) == null) {
                System.setProperty(off, off.equals(NETTY_NATIVE) ? "true" : "false");
            }
        }
        System.exit(forArgs(args).execute(args));
    }

    /** Netty's switch for its Flight Recorder events, as grpc-netty-shaded relocates it. */
    private static final String NETTY_JFR = "io.grpc.netty.shaded.io.netty.jfr.enabled";

    /** Netty's switch that keeps its native transports unloaded (relocated likewise). */
    private static final String NETTY_NATIVE = "io.grpc.netty.shaded.io.netty.transport.noNative";
}
