package io.llmaos.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code llmaos} command line. {@code llmaos serve} (the server) is dispatched by the launcher;
 * every other command is a client of a running server ({@code --target}, default
 * {@code $LLMAOS_TARGET} or 127.0.0.1:8001).
 */
@Command(
        name = "llmaos",
        mixinStandardHelpOptions = true,
        version = "llmaos 0.1.0",
        description = "The LLMA OS command line: talk to a running server (start one with 'llmaos serve').",
        subcommands = {
            HealthCommand.class,
            ModelsCommand.class,
            InferCommand.class,
            GenerateCommand.class,
            StatsCommand.class,
            ResourcesCommand.class,
            TopCommand.class
        })
public final class LlmaosCli {
    /** A command line whose commands write to {@code out} and {@code err}. */
    public static CommandLine commandLine(java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cmd = new CommandLine(new LlmaosCli());
        cmd.setOut(out);
        cmd.setErr(err);
        return cmd;
    }

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new LlmaosCli());
        System.exit(cmd.execute(args));
    }
}
