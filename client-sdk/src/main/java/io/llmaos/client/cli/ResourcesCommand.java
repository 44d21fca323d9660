package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code llmaos resources}: CPU, memory, GPUs, disk, network, models and budgets. */
@Command(name = "resources", description = "A resource snapshot")
final class ResourcesCommand extends ClientCommand {
    @Override
    int run(LlmaosClient client, PrintWriter out) {
        var r = client.resources();
        if (json()) {
            out.println(Output.json(r));
            out.flush();
        } else {
            Views.resources(out, r);
        }
        return ExitCodes.OK;
    }
}
