package io.llmaos.loadtest.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.client.cli.Connection;
import io.llmaos.loadtest.report.Reports;
import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Result;
import io.llmaos.loadtest.tool.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code llmaos loadtest MODEL}: measures a model on a running server (closed-loop concurrency or
 * open-loop rate sweeps, tensor or generation requests, priority and tenant mixes), printing each
 * window as it goes and writing report.json, report.csv and report.html with {@code --report}.
 */
@Command(
        name = "llmaos loadtest",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Measure a model on a running server: throughput, latency percentiles, errors, the"
                + " server's queue and compute split; TTFT, inter-token latency and tokens/s for generation.")
public final class LoadtestCli implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The model to measure")
    String model;

    @Mixin
    Connection connection;

    @Option(names = "--model-version", description = "Its version (default: the server's choice)")
    long version;

    @Mixin
    WorkloadOptions load = new WorkloadOptions();

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.json, report.csv and report.html here")
    Path report;

    @Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadtestCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Workload w;
        try {
            w = load.workload(model, version);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llmaos loadtest: " + e.getMessage());
            return 2;
        }
        try (LlmaosClient client = connection.builder().maxAttempts(1).build()) {
            w = load.withTokenPrompts(client.channel(), w);
            Result result = LoadTest.run(client.channel(), w, new ConsoleProgress(out));
            if (report != null) {
                Reports.write(result, report);
                out.println("reports: " + report.resolve("report.html") + ", report.json, report.csv");
            }
            out.flush();
            boolean failed = result.steps().stream().anyMatch(s -> s.requests() == 0);
            return failed ? 1 : 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("llmaos loadtest: " + e.getMessage());
            return 2;
        } catch (io.grpc.StatusRuntimeException e) {
            spec.commandLine()
                    .getErr()
                    .println("llmaos loadtest: " + e.getStatus().getCode() + ": "
                            + e.getStatus().getDescription());
            return 1;
        }
    }
}
