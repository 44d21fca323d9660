package io.llmaos.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.client.LlmaosClient;
import io.llmaos.loadtest.ServerProcess;
import io.llmaos.optimizer.apply.ConfigWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llmaos optimize --target} on a server someone else runs (in poll mode): the search changes the
 * model only through LoadModel overrides, --apply writes config.json in --repository, and at the end the
 * server serves what config.json says, the applied config; with nothing to apply it is back on today's.
 */
class RunningServerApplyTest {
    @TempDir
    Path dir;

    @Test
    void aRunningServerEndsOnTheAppliedConfig() throws Exception {
        // today: every batch waits 20 ms for a batch that never fills; without the delay is far better
        Path repo = OptimizeMlpTest.repositoryWith(dir, "{\"dynamic_batching\": {\"max_queue_delay_us\": 20000}}");
        try (ServerProcess server = ServerProcess.start(
                        System.getProperty("java.class.path"),
                        List.of("-Xmx512m"),
                        List.of(
                                "--models",
                                repo.toString(),
                                "--model-control-mode",
                                "poll",
                                "--repository-poll-interval",
                                "500ms"));
                LlmaosClient client = LlmaosClient.builder()
                        .target("127.0.0.1:" + server.port())
                        .build()) {
            StringWriter out = new StringWriter();
            int code = OptimizeMlpTest.optimize(
                    out,
                    "mlp-classifier",
                    "--target",
                    "127.0.0.1:" + server.port(),
                    "--repository",
                    repo.toString(),
                    "--max-queue-delay",
                    "20ms,0",
                    "--concurrency",
                    "8",
                    "--warmup",
                    "500ms",
                    "--window",
                    "1s",
                    "--stable-windows",
                    "1",
                    "--max-windows",
                    "1",
                    "--jit-warmup",
                    "2s",
                    "--apply");
            System.out.println(out);
            assertEquals(0, code, out.toString());
            assertTrue(out.toString().contains("max_queue_delay: 20ms -> 0"), out.toString());
            Path model = repo.resolve("mlp-classifier");
            assertEquals(0, ConfigWriter.read(model).getDynamicBatching().getMaxQueueDelayUs());
            assertTrue(Files.exists(model.resolve(ConfigWriter.BACKUP)));
            assertEquals(
                    0,
                    client.getModel("mlp-classifier")
                            .getConfig()
                            .getDynamicBatching()
                            .getMaxQueueDelayUs(),
                    "the server serves the applied config");
        }
    }
}
