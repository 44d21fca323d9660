package io.llmaos.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Workload;
import io.llmaos.optimizer.apply.ConfigWriter;
import io.llmaos.optimizer.objective.Objective;
import io.llmaos.optimizer.search.Budget;
import io.llmaos.optimizer.search.GridSearch;
import io.llmaos.optimizer.space.ConfigPatch;
import io.llmaos.optimizer.space.Dimension;
import io.llmaos.optimizer.space.Knob;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.ChildServer;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import io.llmaos.optimizer.trial.TrialRunner;
import io.llmaos.proto.v1.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search goes on past the trials that fail: a config the server refuses to load is recorded as
 * LOAD_FAILED with the server's reason; a server killed (SIGKILL) in the middle of a trial is recorded
 * as SERVER_CRASHED, started again, and the next trial is measured on it.
 */
class TrialFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedLoadAndACrashedServerAreRecordedAndTheSearchGoesOn() throws Exception {
        Path repo = OptimizeMlpTest.repositoryWith(dir, "{}");
        ModelConfig today = ConfigWriter.read(repo.resolve("mlp-classifier"));
        Workload w = new Workload(
                "mlp-classifier",
                0,
                Workload.Api.LLMAOS,
                new Workload.Closed(List.of(4)),
                new Workload.Inputs(Workload.Data.RANDOM, 1),
                List.of(),
                List.of(),
                null,
                Duration.ofMillis(300),
                Duration.ofMillis(500),
                0.5,
                1,
                2);
        // instances_max 2 is today's; 100 is past the server's limit of 64; 1 is killed; 3 runs after
        SearchSpace space = new SearchSpace(List.of(new Dimension(Knob.INSTANCES_MAX, List.of(2L, 100L, 1L, 3L))));
        Judge judge = new Judge(new Objective.Throughput(), List.of());
        AtomicInteger current = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        try (ChildServer server = new ChildServer(
                System.getProperty("java.class.path"), List.of("-Xmx512m"), repo, "mlp-classifier", List.of())) {
            LoadTest.Progress killer = new LoadTest.Progress() {
                @Override
                public void window(int n, double throughput, long p99Us, long errors, boolean stable) {
                    if (current.get() == 2 && killed.compareAndSet(false, true)) {
                        ProcessHandle.of(server.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            };
            TrialRunner runner = new TrialRunner(server, "mlp-classifier", today, w, judge, killer);
            Outcome o = new Search(
                            new GridSearch(space),
                            (n, p) -> {
                                current.set(n);
                                return runner.run(n, p);
                            },
                            new Budget(10, null, 0),
                            System::nanoTime)
                    .run(
                            "mlp-classifier",
                            space,
                            judge,
                            "test",
                            ConfigPatch.current(today, space.knobs()),
                            (t, b) -> {});
            List<Trial> t = o.trials();
            assertEquals(4, t.size(), t.toString());
            assertEquals(Trial.Status.MEASURED, t.get(0).status(), t.get(0).toString());
            assertEquals(Trial.Status.LOAD_FAILED, t.get(1).status(), t.get(1).toString());
            assertTrue(
                    t.get(1).note().contains("INVALID_ARGUMENT")
                            && t.get(1).note().contains("instances.max"),
                    t.get(1).note());
            assertTrue(killed.get());
            assertEquals(
                    Trial.Status.SERVER_CRASHED, t.get(2).status(), t.get(2).toString());
            assertEquals(Trial.Status.MEASURED, t.get(3).status(), "the search went on: " + t.get(3));
            assertTrue(t.get(3).chosen().throughput() > 0);
            assertTrue(server.alive());
        }
    }
}
