package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.runtime.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorityRequestQueueTest {
    private final ManualClock clock = new ManualClock();
    private final List<Entry> expired = new ArrayList<>();

    /** A queued entry as admission makes one (level, tenant, deadline), marked done by hand. */
    private final class Entry extends AdmittedEntry {
        final String id;
        boolean done;

        Entry(String id, int level, String tenant, Duration timeout) {
            super(tenant, ticket(level, timeout));
            this.id = id;
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }

    private Admission.Ticket ticket(int level, Duration timeout) {
        long now = clock.nanoTime();
        return new Admission.Ticket(level, now, timeout == null ? Long.MAX_VALUE : now + timeout.toNanos(), () -> {});
    }

    private PriorityRequestQueue<Entry> queue(int levels, Duration aging, Map<String, Integer> weights) {
        List<LevelPolicy> policies = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            policies.add(new LevelPolicy(1000, null, false, true));
        }
        return new PriorityRequestQueue<>(policies, aging, t -> weights.getOrDefault(t, 1), clock);
    }

    private Entry offer(PriorityRequestQueue<Entry> q, String id, int level, String tenant) {
        Entry e = new Entry(id, level, tenant, null);
        q.offer(e, () -> Duration.ofMillis(10));
        return e;
    }

    private String poll(PriorityRequestQueue<Entry> q) {
        Entry e = q.poll(x -> true, expired::add);
        return e == null ? null : e.id;
    }

    @Test
    void higherLevelsFirstThenFifo() {
        PriorityRequestQueue<Entry> q = queue(3, Duration.ZERO, Map.of());
        offer(q, "a3", 3, "t");
        offer(q, "b1", 1, "t");
        offer(q, "c2", 2, "t");
        offer(q, "d1", 1, "t");
        assertEquals(List.of("b1", "d1", "c2", "a3"), List.of(poll(q), poll(q), poll(q), poll(q)));
        assertNull(poll(q));
    }

    @Test
    void tenantsShareALevelByWeight() {
        PriorityRequestQueue<Entry> q = queue(1, Duration.ZERO, Map.of("gold", 3, "bronze", 1));
        for (int i = 0; i < 100; i++) {
            offer(q, "g" + i, 1, "gold");
            offer(q, "b" + i, 1, "bronze");
        }
        int gold = 0;
        for (int i = 0; i < 80; i++) {
            gold += poll(q).startsWith("g") ? 1 : 0;
        }
        assertEquals(60, gold, "3:1 of 80");
    }

    @Test
    void agingLetsALowLevelProgressUnderSustainedHighLoad() {
        PriorityRequestQueue<Entry> q = queue(3, Duration.ofMillis(100), Map.of());
        offer(q, "low", 3, "t");
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            offer(q, "high" + i, 1, "t");
            clock.advance(Duration.ofMillis(10));
            served.add(poll(q));
        }
        int at = served.indexOf("low");
        assertTrue(at >= 0 && at <= 25, "the level-3 entry was served at " + at + " of " + served.size());
    }

    @Test
    void timedOutEntriesAreRejectedAndNeverServed() {
        PriorityRequestQueue<Entry> q = new PriorityRequestQueue<>(
                List.of(new LevelPolicy(10, Duration.ofMillis(50), false, true)), Duration.ZERO, t -> 1, clock);
        Entry late = new Entry("late", 1, "t", Duration.ofMillis(50));
        q.offer(late, () -> Duration.ZERO);
        clock.advance(Duration.ofMillis(51));
        Entry fresh = offer(q, "fresh", 1, "t");
        assertEquals("fresh", poll(q));
        assertEquals(List.of(late), expired);
        assertEquals(0, q.size());
        assertTrue(fresh != null);
    }

    @Test
    void theReaperFindsExpiredEntriesAtAnyDepth() {
        PriorityRequestQueue<Entry> q = queue(1, Duration.ZERO, Map.of());
        offer(q, "first", 1, "t");
        q.offer(new Entry("short", 1, "t", Duration.ofMillis(5)), () -> Duration.ZERO);
        clock.advance(Duration.ofMillis(6));
        assertEquals(1, q.expire(expired::add));
        assertEquals("short", expired.get(0).id);
        assertEquals(1, q.size());
    }

    @Test
    void underADelayRuleATimedOutEntryWaitsBehindLiveOnes() {
        PriorityRequestQueue<Entry> q = new PriorityRequestQueue<>(
                List.of(new LevelPolicy(10, null, true, true), new LevelPolicy(10, null, true, true)),
                Duration.ZERO,
                t -> 1,
                clock);
        q.offer(new Entry("stale", 1, "t", Duration.ofMillis(5)), () -> Duration.ZERO);
        clock.advance(Duration.ofMillis(6));
        offer(q, "live", 2, "t");
        assertEquals(List.of("live", "stale"), List.of(poll(q), poll(q)));
        assertEquals(List.of(), expired);
    }

    @Test
    void aFullLevelRejectsAtOnceWithARetryHint() {
        PriorityRequestQueue<Entry> q = new PriorityRequestQueue<>(
                List.of(new LevelPolicy(2, null, false, true)), Duration.ZERO, t -> 1, clock);
        offer(q, "a", 1, "t");
        offer(q, "b", 1, "t");
        CapacityExceededException e = assertThrows(CapacityExceededException.class, () -> offer(q, "c", 1, "t"));
        assertEquals("QUEUE_FULL", e.reason());
        assertEquals(Duration.ofMillis(10), e.retryAfter());
    }

    @Test
    void cancelledEntriesAreSkippedOrRemoved() {
        PriorityRequestQueue<Entry> q = queue(1, Duration.ZERO, Map.of());
        Entry a = offer(q, "a", 1, "t");
        Entry b = offer(q, "b", 1, "t");
        offer(q, "c", 1, "t");
        a.done = true;
        assertTrue(q.remove(b));
        assertEquals("c", poll(q));
        assertEquals(0, q.size());
        assertEquals(List.of(a), expired, "a cancelled entry is handed on once, to be answered");
    }

    @Test
    void aPredicateSkipsIncompatibleEntries() {
        PriorityRequestQueue<Entry> q = queue(1, Duration.ZERO, Map.of());
        offer(q, "x", 1, "a");
        offer(q, "y", 1, "b");
        assertEquals("y", q.poll(e -> e.id.equals("y"), expired::add).id);
        assertEquals("x", poll(q));
    }
}
