package io.llmaos.server.core.runtime;

import java.time.Duration;
import java.time.Instant;

/** A clock tests move by hand. */
public final class ManualClock implements Clock {
    private long nanos = 1_000_000_000L;
    private Instant wall = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant now() {
        return wall;
    }

    public synchronized void advance(Duration d) {
        nanos += d.toNanos();
        wall = wall.plus(d);
    }
}
