package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.client.LlmaosClientException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to a server: connects, runs, and turns errors into a message and an exit code. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LlmaosClient client = connection.connect()) {
            return run(client, out);
        } catch (LlmaosClientException e) {
            spec.commandLine().getErr().println("llmaos: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.of(e);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llmaos: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
    }

    /** The command's work; the exit code. */
    abstract int run(LlmaosClient client, PrintWriter out);

    boolean json() {
        return connection.json;
    }
}
