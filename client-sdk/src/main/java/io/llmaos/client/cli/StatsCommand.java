package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code llmaos stats [MODEL...]}: queues, instances, batch sizes and latencies per model. */
@Command(name = "stats", description = "Scheduler statistics per model")
final class StatsCommand extends ClientCommand {
    @Parameters(paramLabel = "MODEL", arity = "0..*")
    List<String> models = new ArrayList<>();

    @Override
    int run(LlmaosClient client, PrintWriter out) {
        var stats = client.schedulerStats(models.toArray(String[]::new));
        if (json()) {
            out.println(Output.json(stats));
            out.flush();
        } else {
            Views.stats(out, stats);
        }
        return ExitCodes.OK;
    }
}
