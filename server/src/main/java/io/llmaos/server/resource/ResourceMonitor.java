package io.llmaos.server.resource;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the machine on a fixed interval on its own thread and keeps the latest sample; readers
 * never wait for a sample to be taken.
 */
public final class ResourceMonitor implements AutoCloseable {
    private final MachineProbe probe;
    private final Duration interval;
    private final ScheduledExecutorService sampler;
    private volatile MachineSample latest;

    public ResourceMonitor(MachineProbe probe, Duration interval) {
        this.probe = probe;
        this.interval = interval;
        this.latest = probe.sample();
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "llmaos-resource-monitor");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The most recent sample. */
    public MachineSample latest() {
        return latest;
    }

    /** The sampling interval. */
    public Duration interval() {
        return interval;
    }

    private void sample() {
        try {
            latest = probe.sample();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ResourceMonitor.class).warn("resource sample failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
