package io.llmaos.server.resource;

import io.llmaos.server.core.runtime.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The model-memory budget and its reservations: the allocate/reclaim cycle of the resource layer.
 * A load reserves its estimate before the engine is touched (or is refused), the reservation is
 * settled at what the load measured (never below the estimate), and an unload or eviction releases
 * it. The latest steps are kept for the resource view. A limit of 0 means no limit.
 */
public final class MemoryLedger {
    /** The budget's name in snapshots and events. */
    public static final String BUDGET = "model_memory_bytes";

    private static final int EVENTS_KEPT = 32;

    private final long limit;
    private final Clock clock;
    private final Deque<Event> events = new ArrayDeque<>();
    private long reserved;

    public MemoryLedger(long limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** A reservation held for one loaded copy of a model version. */
    public static final class Reservation {
        private final String model;
        private final long version;
        private long bytes;
        private boolean released;

        private Reservation(String model, long version, long bytes) {
            this.model = model;
            this.version = version;
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }
    }

    /** One step of the cycle: "reserve", "release", "evict" or "refuse". */
    public record Event(Instant time, String action, String model, long version, long bytes, String reason) {}

    public long limit() {
        return limit;
    }

    public synchronized long reserved() {
        return reserved;
    }

    /** Bytes still free under the limit ({@link Long#MAX_VALUE} without one). */
    public synchronized long free() {
        return limit == 0 ? Long.MAX_VALUE : Math.max(0, limit - reserved);
    }

    /** Reserves {@code bytes} for a copy about to load, or null when they do not fit. */
    public synchronized Reservation tryReserve(String model, long version, long bytes) {
        if (limit != 0 && reserved + bytes > limit) {
            return null;
        }
        reserved += bytes;
        record("reserve", model, version, bytes, "loading");
        return new Reservation(model, version, bytes);
    }

    /** Settles a reservation at what the load measured, when that is more than was reserved. */
    public synchronized void settle(Reservation r, long measured) {
        if (!r.released && measured > r.bytes) {
            reserved += measured - r.bytes;
            record("reserve", r.model, r.version, measured - r.bytes, "measured at load");
            r.bytes = measured;
        }
    }

    /** Gives a reservation back ({@code action} "release" or "evict"); a second call does nothing. */
    public synchronized void release(Reservation r, String action, String reason) {
        if (r == null || r.released) {
            return;
        }
        r.released = true;
        reserved -= r.bytes;
        record(action, r.model, r.version, r.bytes, reason);
    }

    /** Records a load refused for want of room. */
    public synchronized void refused(String model, long version, long bytes, String reason) {
        record("refuse", model, version, bytes, reason);
    }

    /** The latest steps, most recent first. */
    public synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    private void record(String action, String model, long version, long bytes, String reason) {
        events.addFirst(new Event(clock.now(), action, model, version, bytes, reason));
        while (events.size() > EVENTS_KEPT) {
            events.removeLast();
        }
    }
}
