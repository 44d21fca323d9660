package io.llmaos.client.cli;

import io.llmaos.client.LlmaosClient;
import io.llmaos.client.LlmaosClientException;
import io.llmaos.proto.v1.ResourceSnapshot;
import io.llmaos.proto.v1.SchedulerStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llmaos top}: a live view of models, queues, batches, latencies and resources, fed by the
 * scheduler and resource Watch streams and redrawn in place (Ctrl-C or q-less: stop with Ctrl-C).
 */
@Command(name = "top", description = "A live view of the server, refreshed in place")
final class TopCommand extends ClientCommand {
    private static final String CLEAR = "\033[H\033[2J";

    @Option(names = "--interval", paramLabel = "MILLIS", description = "Refresh interval (default 1000)")
    long intervalMillis = 1000;

    @Option(names = "--frames", description = "Stop after this many frames (0 = until Ctrl-C)")
    int frames;

    @Override
    int run(LlmaosClient client, PrintWriter out) {
        AtomicReference<SchedulerStats> stats = new AtomicReference<>();
        AtomicReference<ResourceSnapshot> resources = new AtomicReference<>();
        AtomicReference<LlmaosClientException> failure = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        Duration interval = Duration.ofMillis(Math.max(100, intervalMillis));
        Runnable stopStats = client.watchStats(interval, stats::set, e -> fail(e, failure, failed));
        Runnable stopResources = client.watchResources(interval, resources::set, e -> fail(e, failure, failed));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopStats.run();
            stopResources.run();
        }));
        try {
            for (int drawn = 0; frames == 0 || drawn < frames; ) {
                if (failed.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
                if (stats.get() == null || resources.get() == null) {
                    continue;
                }
                out.print(CLEAR);
                out.println("llmaos top  " + connection.where() + "  "
                        + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
                Views.resources(out, resources.get());
                out.println();
                Views.stats(out, stats.get());
                out.flush();
                drawn++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopStats.run();
            stopResources.run();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return ExitCodes.OK;
    }

    private static void fail(
            LlmaosClientException e, AtomicReference<LlmaosClientException> failure, CountDownLatch failed) {
        if (e != null && !(e instanceof LlmaosClientException.Cancelled)) {
            failure.compareAndSet(null, e);
            failed.countDown();
        }
    }
}
