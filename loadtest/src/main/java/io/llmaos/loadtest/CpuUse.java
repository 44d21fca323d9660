package io.llmaos.loadtest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the machine's CPU went during one measured phase: the server process, this process (the
 * client) and what stayed idle, each as a percentage of one core (two busy cores read 200). Tells a
 * phase limited by CPU (nothing idle) from one limited by thread wake-ups along the call's path.
 */
final class CpuUse {
    private final ServerProcess server;
    private final long wallStart = System.nanoTime();
    private final double serverStart;
    private final long clientStart = clientNanos();
    private final long[] machineStart = machine();

    private CpuUse(ServerProcess server) {
        this.server = server;
        this.serverStart = server.cpuSeconds();
    }

    /** Starts measuring now. */
    static CpuUse start(ServerProcess server) {
        return new CpuUse(server);
    }

    /** What was used since the start, in percent of a core. */
    Percent stop() {
        double wall = (System.nanoTime() - wallStart) / 1e9;
        long[] machine = machine();
        int cores = Runtime.getRuntime().availableProcessors();
        double idle = machine[0] == machineStart[0]
                ? -1
                : 100.0 * cores * (machine[1] - machineStart[1]) / (machine[0] - machineStart[0]);
        return new Percent(
                100 * (server.cpuSeconds() - serverStart) / wall,
                100 * (clientNanos() - clientStart) / 1e9 / wall,
                idle);
    }

    /** Percentages of one core: the server's, the client's, and the machine's idle time (-1 where unknown). */
    record Percent(double server, double client, double idle) {}

    private static long clientNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** All ticks and idle ticks (idle plus iowait) of the machine so far, from {@code /proc/stat}. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
