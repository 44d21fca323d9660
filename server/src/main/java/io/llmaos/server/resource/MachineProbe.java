package io.llmaos.server.resource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Reads the machine and this process: CPU from {@code /proc/stat} and the JVM's process CPU time
 * (loads are rates since the previous sample), memory from {@code /proc/meminfo} and the cgroup
 * limit, resident set size, JVM heap, the file system under the repository, and GPUs. Where
 * {@code /proc} is absent the JVM's figures stand in. Not thread-safe: one sampling thread.
 */
public final class MachineProbe {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path CGROUP_LIMIT = Path.of("/sys/fs/cgroup/memory.max");

    private final Path repository;
    private final ProcessMemory memory;
    private final GpuProbe gpus = new GpuProbe();
    private final com.sun.management.OperatingSystemMXBean os;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Found once: looking a file store up scans the mount table. */
    private FileStore store;

    private long lastBusy = -1;
    private long lastTotal = -1;
    private long lastProcessCpu = -1;
    private long lastWall = -1;

    public MachineProbe(Path repository, ProcessMemory memory) {
        this.repository = repository;
        this.memory = memory;
        this.os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    /** A sample now; the CPU loads cover the time since the previous one (0 on the first). */
    public MachineSample sample() {
        long cost0 = threads.getCurrentThreadCpuTime();
        int cores = Runtime.getRuntime().availableProcessors();
        long wall = System.nanoTime();
        long processCpu = os.getProcessCpuTime();
        double processLoad = lastWall < 0 || wall <= lastWall
                ? 0
                : Math.min(
                        1, Math.max(0, (double) (processCpu - lastProcessCpu) / ((wall - lastWall) * (double) cores)));
        lastProcessCpu = processCpu;
        lastWall = wall;
        double systemLoad = systemLoad();
        long[] mem = memory();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MachineSample.Disk disk = disk();
        List<MachineSample.Gpu> gpuList = gpus.sample();
        long cost = Math.max(0, threads.getCurrentThreadCpuTime() - cost0);
        return new MachineSample(
                Instant.now(),
                cores,
                systemLoad,
                processLoad,
                mem[0],
                mem[1],
                memory.rssBytes(),
                heap.getUsed(),
                heap.getMax() > 0 ? heap.getMax() : heap.getCommitted(),
                gpuList,
                disk,
                cost);
    }

    private double systemLoad() {
        try {
            String cpu = Files.readAllLines(STAT).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            long busy = total - idle;
            double load = lastTotal < 0 || total <= lastTotal ? 0 : (double) (busy - lastBusy) / (total - lastTotal);
            lastBusy = busy;
            lastTotal = total;
            return Math.min(1, Math.max(0, load));
        } catch (IOException | RuntimeException e) {
            return Math.min(1, Math.max(0, os.getCpuLoad()));
        }
    }

    /** Total (or the cgroup limit when lower) and available bytes. */
    private long[] memory() {
        long total = os.getTotalMemorySize();
        long available = os.getFreeMemorySize();
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemTotal:")) {
                    total = kib(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kib(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the JVM's figures stand
        }
        try {
            String limit = Files.readString(CGROUP_LIMIT).trim();
            if (!limit.equals("max")) {
                long cgroup = Long.parseLong(limit);
                if (cgroup < total) {
                    available = Math.max(0, Math.min(available, cgroup - memory.rssBytes()));
                    total = cgroup;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup v2 limit
        }
        return new long[] {total, available};
    }

    private MachineSample.Disk disk() {
        try {
            if (store == null) {
                store = Files.getFileStore(repository);
            }
            return new MachineSample.Disk(repository, store.getTotalSpace(), store.getUsableSpace());
        } catch (IOException e) {
            return new MachineSample.Disk(repository, 0, 0);
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
}
