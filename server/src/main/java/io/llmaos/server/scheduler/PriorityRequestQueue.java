package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.runtime.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The queue of one model: priority levels (1 = highest), each with its own bound and timeout rule;
 * within a level every tenant has a FIFO and tenants share the level by weight (stride scheduling,
 * a form of weighted fair queuing); aging lifts an entry one level for every {@code agingInterval}
 * it has waited, so lower levels progress under sustained load. Entries whose time ran out are
 * rejected (or, under a DELAY rule, served only when nothing live is waiting); done (cancelled)
 * entries are dropped. Every entry that leaves without being served, other than by
 * {@link #remove}, is handed to the caller's {@code dropped} callback, so it is answered exactly once.
 * Not thread-safe: the owning scheduler serialises access.
 */
final class PriorityRequestQueue<E extends QueueEntry> {
    private final Clock clock;
    private final List<Level> levels = new ArrayList<>();
    private long agingNanos;
    private ToIntFunction<String> weights;
    private int size;
    /** The rows of every entry queued (an entry's {@link QueueEntry#rows}). */
    private long rows;

    PriorityRequestQueue(
            List<LevelPolicy> policies, Duration agingInterval, ToIntFunction<String> weights, Clock clock) {
        this.clock = clock;
        configure(policies, agingInterval, weights);
    }

    /** Applies new policies live; entries stay queued (levels beyond the new count join the lowest). */
    void configure(List<LevelPolicy> policies, Duration agingInterval, ToIntFunction<String> tenantWeights) {
        if (policies.isEmpty()) {
            throw new IllegalArgumentException("a queue needs at least one level");
        }
        List<E> carried = new ArrayList<>();
        levels.forEach(l -> l.tenants.values().forEach(t -> carried.addAll(t.entries)));
        levels.clear();
        policies.forEach(p -> levels.add(new Level(p)));
        this.agingNanos = agingInterval == null || agingInterval.isZero()
                ? Long.MAX_VALUE
                : Math.max(1, io.llmaos.server.core.runtime.Durations.nanos(agingInterval));
        this.weights = tenantWeights;
        size = 0;
        carried.forEach(e -> level(e.level()).add(e));
        size = carried.size();
        rows = carried.stream().mapToLong(QueueEntry::rows).sum();
    }

    /** The number of levels. */
    int levelCount() {
        return levels.size();
    }

    /** Entries waiting (done ones may be counted until they are skipped). */
    int size() {
        return size;
    }

    /** Entries waiting at {@code level}. */
    int size(int level) {
        return level(level).size;
    }

    /** The tenants with entries waiting. */
    java.util.Set<String> tenants() {
        java.util.Set<String> names = new java.util.HashSet<>();
        levels.forEach(l -> names.addAll(l.tenants.keySet()));
        return names;
    }

    /** Entries of {@code tenant} waiting, at every level. */
    int sizeOf(String tenant) {
        int n = 0;
        for (Level l : levels) {
            Tenant t = l.tenants.get(tenant);
            n += t == null ? 0 : t.entries.size();
        }
        return n;
    }

    /**
     * Queues {@code entry}, or throws RESOURCE_EXHAUSTED (QUEUE_FULL, with {@code retryHint}) when its
     * level is full.
     */
    void offer(E entry, Supplier<Duration> retryHint) {
        Level level = level(entry.level());
        if (level.policy.maxSize() > 0 && level.size >= level.policy.maxSize()) {
            throw new CapacityExceededException(
                    "QUEUE_FULL",
                    "the queue of priority level " + entry.level() + " is full (" + level.policy.maxSize()
                            + " requests)",
                    retryHint.get());
        }
        level.add(entry);
        size++;
        rows += entry.rows();
    }

    /** The rows of every entry queued: what a batch formed now could hold at most. */
    long rows() {
        return rows;
    }

    /** Removes {@code entry} if it is still queued (after a cancel); true when it was. */
    boolean remove(E entry) {
        Level level = level(entry.level());
        Tenant t = level.tenants.get(entry.tenant());
        if (t != null && t.entries.remove(entry)) {
            level.size--;
            size--;
            rows -= entry.rows();
            return true;
        }
        return false;
    }

    /**
     * The next entry to serve among those {@code accept} takes, or null: the lowest effective level
     * (its level, lifted by aging, or below every level once timed out under a DELAY rule), the
     * older on a tie (so an aged entry overtakes fresh ones of the level it reached); within a level
     * the tenant with the least service per weight, then FIFO. Done entries and timed-out entries
     * under a REJECT rule met on the way are handed to {@code dropped}.
     */
    E poll(Predicate<? super E> accept, Consumer<? super E> dropped) {
        long now = clock.nanoTime();
        Level bestLevel = null;
        Tenant bestTenant = null;
        long bestRank = Long.MAX_VALUE;
        long bestSince = Long.MAX_VALUE;
        for (int i = 0; i < levels.size(); i++) {
            Level level = levels.get(i);
            if (level.size == 0) {
                continue;
            }
            Tenant tenant = level.next(accept, now, dropped);
            if (tenant == null) {
                continue;
            }
            E head = tenant.entries.peekFirst();
            long rank = effectiveLevel(i + 1, head, now, level.policy);
            if (rank < bestRank || (rank == bestRank && head.enqueuedNanos() < bestSince)) {
                bestRank = rank;
                bestSince = head.enqueuedNanos();
                bestLevel = level;
                bestTenant = tenant;
            }
        }
        if (bestLevel == null) {
            return null;
        }
        size--;
        E taken = bestLevel.take(bestTenant);
        rows -= taken.rows();
        return taken;
    }

    /**
     * Hands every done entry and every timed-out entry under a REJECT rule to {@code dropped}, at any
     * depth (a poll only looks at the heads); returns how many left.
     */
    int expire(Consumer<? super E> dropped) {
        int before = size;
        long now = clock.nanoTime();
        for (Level level : levels) {
            for (Iterator<Tenant> tenants = level.tenants.values().iterator(); tenants.hasNext(); ) {
                Tenant t = tenants.next();
                for (Iterator<E> it = t.entries.iterator(); it.hasNext(); ) {
                    E e = it.next();
                    if (level.drop(e, now, dropped)) {
                        it.remove();
                    }
                }
                if (t.entries.isEmpty()) {
                    tenants.remove();
                }
            }
        }
        return before - size;
    }

    /**
     * The earliest moment an entry will be rejected for its time (its deadline, on levels that reject
     * timed-out entries): when a waiting owner must look again. {@link Long#MAX_VALUE} when none.
     */
    long nextExpiryNanos() {
        long next = Long.MAX_VALUE;
        for (Level l : levels) {
            if (l.policy.delayOnTimeout()) {
                continue;
            }
            for (Tenant t : l.tenants.values()) {
                for (E e : t.entries) {
                    next = Math.min(next, e.deadlineNanos());
                }
            }
        }
        return next;
    }

    /** The longest any live entry has waited, in nanoseconds (0 when empty). */
    long oldestWaitNanos() {
        long now = clock.nanoTime();
        long oldest = 0;
        for (Level l : levels) {
            for (Tenant t : l.tenants.values()) {
                E head = t.entries.peekFirst();
                if (head != null) {
                    oldest = Math.max(oldest, now - head.enqueuedNanos());
                }
            }
        }
        return oldest;
    }

    private long effectiveLevel(int level, E head, long now, LevelPolicy policy) {
        if (now >= head.deadlineNanos() && policy.delayOnTimeout()) {
            return levels.size() + 1L;
        }
        long lifted = agingNanos == Long.MAX_VALUE ? 0 : (now - head.enqueuedNanos()) / agingNanos;
        return Math.max(1, level - lifted);
    }

    private Level level(int level) {
        return levels.get(Math.max(1, Math.min(level, levels.size())) - 1);
    }

    /** One priority level: a FIFO per tenant, shared by weight. */
    private final class Level {
        final LevelPolicy policy;
        final Map<String, Tenant> tenants = new HashMap<>();
        double virtualTime;
        int size;

        Level(LevelPolicy policy) {
            this.policy = policy;
        }

        void add(E entry) {
            Tenant t = tenants.computeIfAbsent(entry.tenant(), name -> new Tenant());
            if (t.entries.isEmpty()) {
                // a tenant returning from idle starts level with the others: idle time earns no credit
                t.pass = Math.max(t.pass, virtualTime);
            }
            t.entries.addLast(entry);
            size++;
        }

        /**
         * The backlogged tenant with the least pass whose head {@code accept} takes; done and
         * rejected-on-timeout heads are dropped first.
         */
        Tenant next(Predicate<? super E> accept, long now, Consumer<? super E> dropped) {
            Tenant best = null;
            for (Iterator<Tenant> it = tenants.values().iterator(); it.hasNext(); ) {
                Tenant t = it.next();
                while (!t.entries.isEmpty() && drop(t.entries.peekFirst(), now, dropped)) {
                    t.entries.pollFirst();
                }
                if (t.entries.isEmpty()) {
                    it.remove();
                    continue;
                }
                if (accept.test(t.entries.peekFirst()) && (best == null || t.pass < best.pass)) {
                    best = t;
                }
            }
            return best;
        }

        /** Whether {@code e} leaves without being served (counted out and handed on; the caller unlinks it). */
        boolean drop(E e, long now, Consumer<? super E> dropped) {
            boolean timedOut = now >= e.deadlineNanos() && !policy.delayOnTimeout();
            if (!e.isDone() && !timedOut) {
                return false;
            }
            size--;
            PriorityRequestQueue.this.size--;
            PriorityRequestQueue.this.rows -= e.rows();
            dropped.accept(e);
            return true;
        }

        E take(Tenant t) {
            E entry = t.entries.pollFirst();
            size--;
            virtualTime = t.pass;
            t.pass += 1.0 / Math.max(1, weights.applyAsInt(entry.tenant()));
            if (t.entries.isEmpty()) {
                tenants.values().remove(t);
            }
            return entry;
        }
    }

    /** One tenant's FIFO within a level, and how much service it has had per weight. */
    private final class Tenant {
        final ArrayDeque<E> entries = new ArrayDeque<>();
        double pass;
    }
}
