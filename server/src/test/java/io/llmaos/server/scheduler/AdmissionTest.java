package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.PriorityLevel;
import io.llmaos.proto.v1.QueuePolicy;
import io.llmaos.proto.v1.SchedulingPolicy;
import io.llmaos.proto.v1.TenantPolicy;
import io.llmaos.proto.v1.TenantQuota;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.runtime.ManualClock;
import io.llmaos.server.fake.FakeBehaviour;
import io.llmaos.server.fake.FakeEngine;
import io.llmaos.server.fake.FakeModels;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.lifecycle.LifecycleController;
import io.llmaos.server.model.lifecycle.ServedCopy;
import io.llmaos.server.model.repository.ModelRepository;
import io.llmaos.server.resource.ProcessMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one door of both scheduler shapes, on a copy of the fake engine with a manual clock: levels,
 * the copy's admission, tenant quotas with retry hints, deadlines by the level's timeout, and a
 * ticket that gives everything back exactly once.
 */
class AdmissionTest {
    @TempDir
    Path repo;

    private final ManualClock clock = new ManualClock();
    private LifecycleController lifecycle;
    private ServedCopy copy;
    private ModelStats stats;
    private Admission admission;

    @BeforeEach
    void load() {
        FakeModels.tensor(repo, "m", 4, "");
        lifecycle = new LifecycleController(
                new ModelRepository(repo),
                new EngineRegistry(List.of(new FakeEngine(EngineType.PYTORCH, new FakeBehaviour()))),
                new ProcessMemory(),
                clock,
                Executors.newSingleThreadExecutor());
        lifecycle.load("m", null).join();
        copy = lifecycle.registry().resolve("m", 0);
        ModelConfig config = ModelConfig.newBuilder()
                .setQueue(QueuePolicy.newBuilder()
                        .addLevels(PriorityLevel.newBuilder()
                                .setDefaultTimeout(com.google.protobuf.Duration.newBuilder()
                                        .setSeconds(2)))
                        .addLevels(PriorityLevel.newBuilder().setAllowTimeoutOverride(true))
                        .setDefaultPriority(2))
                .build();
        SchedulingPolicy tenants = SchedulingPolicy.newBuilder()
                .addTenants(TenantPolicy.newBuilder()
                        .setName("capped")
                        .setQuota(TenantQuota.newBuilder().setMaxInFlight(1)))
                .build();
        ModelPolicy policy = ModelPolicy.of(config, tenants, SchedulingPolicy.getDefaultInstance());
        stats = new ModelStats();
        admission = new Admission(copy, clock, stats, () -> policy);
    }

    @AfterEach
    void unload() {
        lifecycle.close();
    }

    @Test
    void levelsDefaultAndRefuseWhatTheModelDoesNotHave() {
        Admission.Ticket t = admission.admit("m", 0, false, "t", Long.MAX_VALUE, null);
        assertEquals(2, t.level());
        t.release().run();
        InvalidInputException e = assertThrows(
                InvalidInputException.class, () -> admission.admit("m", 3, false, "t", Long.MAX_VALUE, null));
        assertTrue(e.getMessage().contains("1..2"), e.getMessage());
        assertEquals(1, stats.rejections().invalid());
        assertTrue(copy.idle(), "a refused request holds nothing");
    }

    @Test
    void tritonsRuleClampsALevelTheModelDoesNotHaveToItsDefault() {
        Admission.Ticket t = admission.admit("m", 7, true, "t", Long.MAX_VALUE, null);
        assertEquals(2, t.level(), "the model's default level");
        t.release().run();
        assertEquals(1, stats.clampedPriorities.sum());
        assertEquals(0, stats.rejections().invalid());
        Admission.Ticket kept = admission.admit("m", 1, true, "t", Long.MAX_VALUE, null);
        assertEquals(1, kept.level(), "a level it has stays");
        kept.release().run();
    }

    @Test
    void quotasRefuseWithARetryHintAndGiveBackOnce() {
        Admission.Ticket first = admission.admit("m", 1, false, "capped", Long.MAX_VALUE, null);
        assertEquals(1, admission.inFlight("capped"));
        CapacityExceededException e = assertThrows(
                CapacityExceededException.class, () -> admission.admit("m", 1, false, "capped", Long.MAX_VALUE, null));
        assertTrue(e.retryAfter().toNanos() > 0);
        assertEquals(1, stats.rejections().quota());
        assertFalse(copy.idle(), "the first request is still admitted");
        first.release().run();
        first.release().run(); // a second release changes nothing
        assertEquals(0, admission.inFlight("capped"));
        assertTrue(copy.idle());
        admission.admit("m", 1, false, "capped", Long.MAX_VALUE, null).release().run();
    }

    @Test
    void deadlinesFollowTheLevelsTimeoutAndTheCallersDeadline() {
        long now = clock.nanoTime();
        assertEquals(now + Duration.ofSeconds(2).toNanos(), deadline(1, Long.MAX_VALUE, null));
        assertEquals(now + 1_000, deadline(1, now + 1_000, null));
        assertEquals(now + Duration.ofMillis(5).toNanos(), deadline(2, Long.MAX_VALUE, Duration.ofMillis(5)));
        assertEquals(Long.MAX_VALUE, deadline(2, Long.MAX_VALUE, null));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(now + Duration.ofSeconds(3).toNanos(), deadline(1, Long.MAX_VALUE, null));
        assertTrue(copy.idle());
    }

    /** The deadline a request admitted now gets (its ticket is given back at once). */
    private long deadline(int level, long callerDeadline, Duration timeout) {
        Admission.Ticket t = admission.admit("m", level, false, "t", callerDeadline, timeout);
        t.release().run();
        return t.deadlineNanos();
    }
}
