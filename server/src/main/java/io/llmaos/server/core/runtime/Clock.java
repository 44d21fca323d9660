package io.llmaos.server.core.runtime;

import java.time.Instant;

/**
 * Time, injected wherever a decision depends on it (queue delays, timeouts, aging, scaling), so
 * tests advance a manual clock instead of sleeping.
 */
public interface Clock {
    /** A monotonic reading in nanoseconds, for measuring intervals (as {@link System#nanoTime()}). */
    long nanoTime();

    /** The wall-clock time, for timestamps shown to people. */
    Instant now();

    /** The machine's clock. */
    static Clock system() {
        return new SystemClock();
    }
}
