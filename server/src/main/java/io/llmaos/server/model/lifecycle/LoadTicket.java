package io.llmaos.server.model.lifecycle;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.Durations;
import java.time.Duration;

/**
 * The right of one load to go on: it ends when an UnloadModel of the same model cancels it, or when
 * the load has run longer than --load-timeout. A load checks it between its steps (engine load,
 * each instance, each warmup batch) and stops there, freeing what it made.
 */
final class LoadTicket {
    /** For work that is never cancelled nor timed (growing a pool of a loaded copy). */
    static final LoadTicket NONE = new LoadTicket(null, null);

    private final Clock clock;
    private final Duration timeout;
    private volatile long deadline = Long.MAX_VALUE;
    private volatile String cancelled;

    LoadTicket(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The load starts running now (time spent queued behind other operations does not count). */
    void start() {
        if (clock != null) {
            deadline = Durations.deadline(clock.nanoTime(), timeout);
        }
    }

    /** Stops the load at its next step. */
    void cancel(String why) {
        cancelled = why;
    }

    /** Throws CANCELLED or DEADLINE_EXCEEDED when the load of {@code what} must stop. */
    void check(String what) {
        String why = cancelled;
        if (why != null) {
            throw LlmaosException.expected(ErrorCode.CANCELLED, "the load of " + what + " was cancelled: " + why);
        }
        if (clock != null && clock.nanoTime() >= deadline) {
            throw LlmaosException.expected(
                    ErrorCode.DEADLINE_EXCEEDED,
                    "the load of " + what + " took longer than " + timeout.toMillis()
                            + " ms (--load-timeout) and was abandoned");
        }
    }
}
