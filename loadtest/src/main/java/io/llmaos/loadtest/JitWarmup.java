package io.llmaos.loadtest;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Warms the JVMs under test until their JIT compilers go quiet: load runs in rounds, and warm-up ends
 * when, over one round, the compiler threads of the server (read from {@code /proc}) and of this
 * client (its {@link CompilationMXBean}) each used under {@link #QUIET_SHARE} of one core, or at
 * {@code max}. A served path measured while C2 still compiles it (0.1-0.8 s per method on 2 cores,
 * for minutes at a low call rate) measures the compiler, not the path.
 */
final class JitWarmup {
    /** Share of one core the compilers may still use when warm-up counts as done. */
    static final double QUIET_SHARE = 0.05;

    private static final double TICKS_PER_SECOND = 100;

    private JitWarmup() {}

    /** A round of load of the given length. */
    @FunctionalInterface
    interface Load {
        void run(Duration round) throws InterruptedException;

        /** A piece of load with its length fixed. */
        @FunctionalInterface
        interface Task {
            void run() throws InterruptedException;
        }
    }

    /** Runs {@code load} in rounds of {@code round} until both compilers are quiet; the seconds it took. */
    static double untilQuiet(LongSupplier serverTicks, Load load, Duration round, Duration max)
            throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < max.toNanos()) {
            long server0 = serverTicks.getAsLong();
            long client0 = clientCompileMillis();
            long t0 = System.nanoTime();
            load.run(round);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double serverShare = server0 < 0 ? 0 : (serverTicks.getAsLong() - server0) / TICKS_PER_SECOND / seconds;
            double clientShare = client0 < 0 ? 0 : (clientCompileMillis() - client0) / 1000.0 / seconds;
            if (serverShare < QUIET_SHARE && clientShare < QUIET_SHARE) {
                break;
            }
        }
        return Math.round((System.nanoTime() - start) / 1e8) / 10.0;
    }

    /** Clock ticks the compiler threads of process {@code pid} have used; -1 when unreadable. */
    static long compilerTicks(long pid) {
        Path tasks = Path.of("/proc", String.valueOf(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.mapToLong(JitWarmup::compilerThreadTicks).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long compilerThreadTicks(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            if (!name.contains("CompilerThre")) {
                return 0;
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long clientCompileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }
}
