package io.llmaos.loadtest.cli;

import io.llmaos.loadtest.tool.LoadTest;
import io.llmaos.loadtest.tool.Result;
import java.io.PrintWriter;
import java.util.Locale;

/** The console table as the test runs: a line per window, a summary line per step. */
final class ConsoleProgress implements LoadTest.Progress {
    private final PrintWriter out;

    ConsoleProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void step(String unit, double level) {
        out.printf(Locale.ROOT, "%s %s: warming up%n", unit, number(level));
        out.flush();
    }

    @Override
    public void window(int n, double throughput, long p99Us, long errors, boolean stable) {
        out.printf(
                Locale.ROOT,
                "  window %d: %.1f req/s, p99 %d us, %d errors%s%n",
                n,
                throughput,
                p99Us,
                errors,
                stable ? " (stable)" : "");
        out.flush();
    }

    @Override
    public void stepDone(Result.Step s) {
        out.printf(
                Locale.ROOT,
                "  => %.1f req/s  p50 %d  p90 %d  p99 %d  p99.9 %d us  server queue %.0f us, compute %.0f us  errors %s%s%n",
                s.throughput(),
                s.latency().p50(),
                s.latency().p90(),
                s.latency().p99(),
                s.latency().p999(),
                s.serverQueueUs(),
                s.serverComputeUs(),
                s.errors(),
                s.stable() ? "" : "  (not stable)");
        if (s.generation() != null) {
            Result.Generation g = s.generation();
            out.printf(
                    Locale.ROOT,
                    "     TTFT p50 %d p99 %d us  inter-token p50 %d p99 %d us  %.1f tokens/s (%.1f per stream)%n",
                    g.ttft().p50(),
                    g.ttft().p99(),
                    g.interTokenLatency().p50(),
                    g.interTokenLatency().p99(),
                    g.outputTokensPerSecond(),
                    g.tokensPerSecondPerStream());
        }
        s.byTag()
                .forEach((tag, t) -> out.printf(
                        Locale.ROOT,
                        "     %s: %.1f req/s  p50 %d  p99 %d us%n",
                        tag,
                        t.throughput(),
                        t.latency().p50(),
                        t.latency().p99()));
        out.flush();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
