package io.llmaos.server.scheduler;

import io.llmaos.server.core.runtime.Durations;
import java.time.Duration;

/**
 * The queue of one priority level.
 *
 * @param maxSize              the most entries it holds (0 = unbounded)
 * @param defaultTimeout       how long an entry may wait when it sets no timeout (null = no limit)
 * @param delayOnTimeout       true: a timed-out entry stays, behind every live entry; false: it is rejected
 * @param allowTimeoutOverride whether a request may set a shorter timeout of its own
 */
public record LevelPolicy(int maxSize, Duration defaultTimeout, boolean delayOnTimeout, boolean allowTimeoutOverride) {
    static final LevelPolicy DEFAULT = new LevelPolicy(1024, null, false, true);

    /**
     * When a request arriving {@code now} must leave the queue: the caller's deadline, or sooner the
     * level's timeout, or the request's own when it is shorter and the level allows it.
     */
    long deadline(long callerDeadline, Duration requested, long now) {
        Duration timeout = defaultTimeout;
        if (requested != null
                && !requested.isZero()
                && allowTimeoutOverride
                && (timeout == null || requested.compareTo(timeout) < 0)) {
            timeout = requested;
        }
        return timeout == null ? callerDeadline : Math.min(callerDeadline, Durations.deadline(now, timeout));
    }
}
