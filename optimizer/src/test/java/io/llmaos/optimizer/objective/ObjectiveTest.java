package io.llmaos.optimizer.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's J on known numbers, the objectives' scores, constraints and how values are written. */
class ObjectiveTest {
    /** A tensor step: throughput, p50 and p99 (us), memory (bytes). */
    static Measures tensor(double throughput, double p50, double p99, double memory) {
        return new Measures(32, throughput, p50, p99, memory, -1, -1, -1, 0);
    }

    @Test
    void jIsTheSeedsFormulaOnKnownNumbers() {
        // J = sum_i (p_i (x_i - mu_i))^2 as the seed writes it
        assertEquals(
                (2.0 * (12 - 10)) * (2.0 * (12 - 10)) + (1.0 * (1500 - 2000)) * (1.0 * (1500 - 2000)),
                Objective.J.seed(new double[] {2, 1}, new double[] {12, 1500}, new double[] {10, 2000}));
        assertEquals(250016.0, Objective.J.seed(new double[] {2, 1}, new double[] {12, 1500}, new double[] {10, 2000}));
        assertEquals(0.0, Objective.J.seed(new double[] {3}, new double[] {7}, new double[] {7}));
        // normalised per metric: x_i / mu_i against 1, so p99 12 ms for 10 ms weighs (2 x 0.2)^2 and
        // 1500 req/s for 2000 weighs (1 x -0.25)^2
        Objective.J j = (Objective.J) Objective.parse("J", "p99=10ms:2,throughput=2000:1");
        assertEquals(List.of(new Goal(Metric.P99, 10_000, 2), new Goal(Metric.THROUGHPUT, 2000, 1)), j.goals());
        assertEquals(0.16 + 0.0625, j.value(tensor(1500, 5000, 12_000, 1 << 20)), 1e-12);
        assertEquals(-(0.16 + 0.0625), j.score(tensor(1500, 5000, 12_000, 1 << 20)), 1e-12);
        assertEquals(0.0, j.value(tensor(2000, 5000, 10_000, 1 << 20)), 1e-12, "on target: J = 0");
        // a weight left out is 1
        assertEquals(List.of(new Goal(Metric.MEMORY, 512.0 * (1 << 20), 1)), Objective.goals("memory=512MiB"));
    }

    @Test
    void throughputAndLatencyScoreTheRightMeasure() {
        Measures generation = new Measures(16, 10, 1e6, 2e6, 1e8, 40_000, 3_000, 900, 0);
        assertEquals(1500, new Objective.Throughput().score(tensor(1500, 1, 2, 3)));
        assertEquals(900, new Objective.Throughput().score(generation), "tokens per second for a generation");
        assertEquals(-2, new Objective.Latency().score(tensor(1500, 1, 2, 3)));
        assertEquals(-40_000, new Objective.Latency().score(generation), "TTFT for a generation");
        assertThrows(IllegalArgumentException.class, () -> Objective.parse("fastest", null));
        assertThrows(IllegalArgumentException.class, () -> Objective.parse("J", ""), "J needs targets");
        assertThrows(IllegalArgumentException.class, () -> Objective.goals("p99:10ms"));
        assertThrows(IllegalArgumentException.class, () -> Objective.goals("p99=10"), "a duration needs its unit");
    }

    @Test
    void constraintsBoundEachSideAndSayByHowMuch() {
        Constraint p99 = new Constraint(Metric.P99, Metric.P99.parse("20ms"));
        Constraint floor = new Constraint(Metric.THROUGHPUT, Metric.THROUGHPUT.parse("1.5k"));
        Constraint memory = new Constraint(Metric.MEMORY, Metric.MEMORY.parse("512MiB"));
        assertTrue(p99.holds(tensor(100, 1, 20_000, 0)));
        assertFalse(p99.holds(tensor(100, 1, 25_000, 0)));
        assertEquals(0.25, p99.breach(tensor(100, 1, 25_000, 0)), 1e-12);
        assertTrue(floor.holds(tensor(1500, 1, 1, 0)));
        assertFalse(floor.holds(tensor(1200, 1, 1, 0)));
        assertEquals(0.2, floor.breach(tensor(1200, 1, 1, 0)), 1e-12);
        assertFalse(memory.holds(tensor(1, 1, 1, 600.0 * (1 << 20))));
        assertFalse(memory.holds(tensor(1, 1, 1, -1)), "a measure not taken keeps no bound");
        assertEquals("p99 <= 20.00ms", p99.describe());
        assertEquals(2e9, Metric.MEMORY.parse("2GB"));
        assertEquals(500, Metric.ITL.parse("500us"));
        assertEquals(1e6, Metric.TTFT.parse("1s"));
        assertThrows(IllegalArgumentException.class, () -> Metric.P99.parse("-5ms"));
        assertThrows(IllegalArgumentException.class, () -> Metric.of("speed"));
    }
}
