package io.llmaos.server.model.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.fake.FakeBehaviour;
import io.llmaos.server.fake.FakeEngine;
import io.llmaos.server.fake.FakeModels;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.MemoryLedger;
import io.llmaos.server.resource.ProcessMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent loads race for the engine budget on the fake engine: the budget (instances and
 * threads) is reserved before any instance is made, so no interleaving ever holds more than the
 * limit; the loads that do not fit fail with RESOURCE_EXHAUSTED and give back everything.
 */
class LoadBudgetRaceTest {
    private static final int MODELS = 12;

    @TempDir
    Path repo;

    private final FakeBehaviour behaviour = new FakeBehaviour();
    private final FakeEngine engine = new FakeEngine(EngineType.PYTORCH, behaviour);

    private LifecycleController manager(EngineBudget budget) {
        return new LifecycleController(
                new ModelRepository(repo),
                new EngineRegistry(List.of(engine)),
                new ProcessMemory(),
                Clock.system(),
                Executors.newFixedThreadPool(MODELS),
                new LifecycleLimits(new MemoryLedger(0, Clock.system()), budget, Duration.ofMinutes(1), null));
    }

    @Test
    void concurrentLoadsNeverExceedTheInstanceBudget() throws Exception {
        race(new EngineBudget(100, 5), "{\"min\": 2, \"threads_per_instance\": 1}", 2, 5);
    }

    @Test
    void concurrentLoadsNeverExceedTheThreadBudget() throws Exception {
        race(new EngineBudget(7, 0), "{\"min\": 1, \"threads_per_instance\": 3}", 2, 2);
    }

    /** {@code fit} models fit the budget, which holds at most {@code peak} instances. */
    private void race(EngineBudget budget, String instances, int fit, int peak) throws Exception {
        for (int i = 0; i < MODELS; i++) {
            FakeModels.tensor(repo, "m" + i, 4, "\"instances\": " + instances);
        }
        behaviour.instanceDelayMillis = 20; // loads overlap while they make instances
        try (LifecycleController models = manager(budget)) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<ModelStatus>> loads = new ArrayList<>();
            var callers = Executors.newFixedThreadPool(MODELS);
            List<CompletableFuture<CompletableFuture<ModelStatus>>> started = new ArrayList<>();
            for (int i = 0; i < MODELS; i++) {
                String name = "m" + i;
                started.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                go.await();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                            return models.load(name, null);
                        },
                        callers));
            }
            go.countDown();
            for (var s : started) {
                loads.add(s.join());
            }
            int ready = 0;
            for (CompletableFuture<ModelStatus> load : loads) {
                try {
                    load.join();
                    ready++;
                } catch (CompletionException e) {
                    LlmaosException why = (LlmaosException) e.getCause();
                    assertEquals(ErrorCode.CAPACITY_EXCEEDED, why.code(), why.getMessage());
                }
            }
            callers.shutdown();
            assertEquals(fit, ready, "models that fit the budget");
            int limit = budget.instanceLimit() > 0 ? budget.instanceLimit() : budget.threadLimit();
            int perInstance = budget.instanceLimit() > 0 ? 1 : 3;
            assertTrue(
                    engine.peakInstances.get() * perInstance <= limit,
                    "peak " + engine.peakInstances.get() + " instances against " + budget.instanceLimit()
                            + " instances / " + budget.threadLimit() + " threads");
            assertEquals(engine.liveInstances.get(), budget.instances(), "reserved = made");
        }
        assertEquals(0, engine.liveInstances.get(), "every instance closed");
        assertEquals(0, budget.instances(), "every reservation given back");
        assertEquals(0, budget.threads());
        assertEquals(0, engine.liveModels.get());
    }
}
