package io.llmaos.server.core.runtime;

import java.time.Instant;

/** The machine's clock: {@link System#nanoTime()} and {@link Instant#now()}. */
final class SystemClock implements Clock {
    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant now() {
        return Instant.now();
    }
}
