package io.llmaos.server.resource;

import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.runtime.Durations;
import java.time.Duration;

/**
 * The machine's latest sample, taken on demand: a reader gets the last sample while it is younger
 * than the interval, else a fresh one (CPU loads then cover the time since the previous sample). No
 * thread samples in the background, so a server nobody watches spends nothing on monitoring; a
 * Watch stream's timer is what drives sampling at its interval.
 */
public final class ResourceMonitor implements AutoCloseable {
    private final MachineProbe probe;
    private final Duration interval;
    private final Clock clock;
    private MachineSample latest;
    private long takenAt;

    public ResourceMonitor(MachineProbe probe, Duration interval, Clock clock) {
        this.probe = probe;
        this.interval = interval;
        this.clock = clock;
        this.latest = probe.sample();
        this.takenAt = clock.nanoTime();
    }

    /** The most recent sample, taken now when the last one is older than the interval. */
    public synchronized MachineSample latest() {
        long now = clock.nanoTime();
        if (now - takenAt >= Durations.nanos(interval)) {
            try {
                latest = probe.sample();
                takenAt = now;
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ResourceMonitor.class)
                        .warn("resource sample failed: {}", e.getMessage());
            }
        }
        return latest;
    }

    /** The sampling interval. */
    public Duration interval() {
        return interval;
    }

    @Override
    public void close() {
        // nothing runs in the background
    }
}
