package io.llmaos.server.resource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One sample of the machine and this process.
 *
 * @param systemLoad   whole-machine CPU use since the previous sample, 0..1
 * @param processLoad  this process's CPU use since the previous sample, 0..1 of all cores
 * @param memoryTotal  physical memory, or the container's limit when lower
 * @param costNanos    CPU time the sample took (this thread)
 */
public record MachineSample(
        Instant time,
        int cores,
        double systemLoad,
        double processLoad,
        long memoryTotal,
        long memoryAvailable,
        long processRss,
        long heapUsed,
        long heapMax,
        List<Gpu> gpus,
        Disk disk,
        long costNanos) {
    public MachineSample {
        gpus = List.copyOf(gpus);
    }

    /** One GPU as nvidia-smi reports it; utilization 0..1. */
    public record Gpu(int index, String name, long memoryTotal, long memoryUsed, double utilization) {}

    /** The file system holding {@code path}. */
    public record Disk(Path path, long total, long free) {}
}
