package io.llmaos.optimizer.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.optimizer.objective.Constraint;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.objective.Metric;
import io.llmaos.optimizer.objective.Objective;
import io.llmaos.optimizer.space.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A trial counts by its best load step within the constraints; constraints exclude the trials that break them. */
class JudgeTest {
    static Measures step(double level, double throughput, double p99Us, double errors) {
        return new Measures(level, throughput, p99Us / 2, p99Us, 1 << 20, -1, -1, -1, errors);
    }

    static Trial trial(int n, Judge judge, Measures... steps) {
        return new Trial(
                n, new Point(Map.of()), Trial.Status.MEASURED, "", List.of(steps), judge.judge(List.of(steps)), 1);
    }

    @Test
    void aTrialCountsByItsBestStepWithinTheBounds() {
        Judge free = new Judge(new Objective.Throughput(), List.of());
        Judge tight = new Judge(new Objective.Throughput(), List.of(new Constraint(Metric.P99, 2_000)));
        Measures low = step(1, 2_000, 500, 0);
        Measures high = step(32, 12_000, 6_000, 0);
        assertEquals(high, free.judge(List.of(low, high)).measures());
        assertEquals(low, tight.judge(List.of(low, high)).measures(), "only the low step keeps p99 <= 2 ms");
        assertTrue(tight.judge(List.of(low, high)).feasible());
        // breaking at every step: it counts by the step nearest to keeping them
        Verdict broken = tight.judge(List.of(step(1, 100, 3_000, 0), step(8, 900, 9_000, 0)));
        assertFalse(broken.feasible());
        assertEquals(List.of("p99 <= 2.00ms"), broken.broken());
        assertEquals(0.5, broken.breach(), 1e-12);
        // more than 1% of requests failing is a broken step whatever the throughput
        assertFalse(free.judge(List.of(step(32, 50_000, 100, 0.2))).feasible());
        assertNull(free.judge(List.of()));
    }

    @Test
    void constraintsExcludeTheTrialsThatBreakThemFromTheRanking() {
        Judge judge = new Judge(new Objective.Throughput(), List.of(new Constraint(Metric.P99, 10_000)));
        Trial fastButSlowTail = trial(1, judge, step(32, 20_000, 15_000, 0));
        Trial kept = trial(2, judge, step(32, 9_000, 8_000, 0));
        Trial keptFaster = trial(3, judge, step(32, 11_000, 9_000, 0));
        Trial failed =
                new Trial(4, new Point(Map.of()), Trial.Status.LOAD_FAILED, "INVALID_ARGUMENT", List.of(), null, 0);
        List<Trial> all = new ArrayList<>(List.of(fastButSlowTail, kept, failed, keptFaster));
        all.sort(Judge.TRIALS);
        assertEquals(List.of(keptFaster, kept, fastButSlowTail, failed), all);
        assertTrue(Judge.beats(keptFaster, kept, 0.1), "22% more beats by a 10% margin");
        assertFalse(Judge.beats(keptFaster, kept, 0.3), "not by a 30% margin");
        assertTrue(Judge.beats(kept, fastButSlowTail, 0.5), "feasible beats infeasible whatever the margin");
        assertTrue(Judge.beats(kept, null, 0));
        assertFalse(Judge.beats(failed, null, 0), "a trial not measured is no best");
        assertEquals("breaks p99 <= 10.00ms", fastButSlowTail.outcome());
        assertEquals("load failed", failed.outcome());
    }
}
