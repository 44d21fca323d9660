package io.llmaos.optimizer.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.optimizer.Outcome;
import io.llmaos.optimizer.Search;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.objective.Objective;
import io.llmaos.optimizer.space.Dimension;
import io.llmaos.optimizer.space.Knob;
import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The strategies and the loop against a deterministic landscape (no server): what they try, and when they stop. */
class SearchTest {
    private static final Judge JUDGE = new Judge(new Objective.Throughput(), List.of());

    static SearchSpace space(int... sizes) {
        Knob[] knobs = {Knob.MAX_BATCH_SIZE, Knob.MAX_QUEUE_DELAY, Knob.THREADS_PER_INSTANCE, Knob.MAX_CACHED_TOKENS};
        List<Dimension> dims = new java.util.ArrayList<>();
        for (int d = 0; d < sizes.length; d++) {
            List<Object> values = new java.util.ArrayList<>();
            for (long v = 1; v <= sizes[d]; v++) {
                values.add(v);
            }
            dims.add(new Dimension(knobs[d], values));
        }
        return new SearchSpace(dims);
    }

    /** A runner whose throughput is {@code landscape} of the point, and counts its calls. */
    static Search.Runner runner(ToDoubleFunction<Point> landscape, AtomicLong calls) {
        return (n, p) -> {
            calls.incrementAndGet();
            List<Measures> steps = List.of(new Measures(32, landscape.applyAsDouble(p), 1, 2, 3, -1, -1, -1, 0));
            return new Trial(n, p, Trial.Status.MEASURED, "", steps, JUDGE.judge(steps), 1);
        };
    }

    static long v(Point p, Knob k) {
        return (Long) p.get(k);
    }

    @Test
    void aGridTriesEveryPointOnceTheBaselineIncluded() throws Exception {
        SearchSpace s = space(2, 2, 2);
        assertEquals(8, s.all().size());
        AtomicLong calls = new AtomicLong();
        Point today = s.at(new int[] {1, 0, 1});
        Outcome o = new Search(
                        new GridSearch(s),
                        runner(p -> v(p, Knob.MAX_BATCH_SIZE) * 10 + v(p, Knob.MAX_QUEUE_DELAY), calls),
                        new Budget(100, null, 0),
                        System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(8, calls.get(), "the baseline is one of the 8 and is not tried twice");
        assertEquals(8, new HashSet<>(o.trials().stream().map(Trial::point).toList()).size());
        assertEquals(today, o.baseline().point());
        assertEquals(22, o.best().chosen().throughput(), "batch 2, delay 2");
        assertTrue(o.stopped().contains("grid"), o.stopped());
    }

    @Test
    void hillClimbingFindsTheTopOfOneHillWithoutTryingEverything() throws Exception {
        SearchSpace s = space(8, 8, 8);
        // one peak at (6, 3, 5): the score falls with the distance from it
        ToDoubleFunction<Point> hill = p -> 1000
                - 10 * Math.abs(v(p, Knob.MAX_BATCH_SIZE) - 6)
                - 10 * Math.abs(v(p, Knob.MAX_QUEUE_DELAY) - 3)
                - 10 * Math.abs(v(p, Knob.THREADS_PER_INSTANCE) - 5);
        AtomicLong calls = new AtomicLong();
        Point today = s.at(new int[] {0, 0, 0});
        Outcome o = new Search(
                        new HillClimb(s, 0.0, 0, new Random(1)).from(today),
                        runner(hill, calls),
                        new Budget(500, null, 0),
                        System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(1000, o.best().chosen().throughput(), "the peak");
        assertTrue(calls.get() < 512 / 4, "tried " + calls.get() + " of 512 points");
        assertTrue(o.stopped().contains("hill"), "it stops at the top: " + o.stopped());
    }

    @Test
    void aStepWithinTheMarginIsNoStepAndRestartsLookElsewhere() throws Exception {
        SearchSpace s = space(6, 6);
        // almost flat near the start (1% steps), a far better region it can reach only by restarting
        ToDoubleFunction<Point> landscape = p -> v(p, Knob.MAX_BATCH_SIZE) >= 5 && v(p, Knob.MAX_QUEUE_DELAY) >= 5
                ? 5000
                : 1000 + 10 * v(p, Knob.MAX_BATCH_SIZE);
        AtomicLong calls = new AtomicLong();
        Point today = s.at(new int[] {0, 0});
        Outcome stuck = new Search(
                        new HillClimb(s, 0.05, 0, new Random(3)).from(today),
                        runner(landscape, calls),
                        new Budget(100, null, 0),
                        System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(3, stuck.trials().size(), "today and its two neighbours: no step beats 5%");
        Outcome restarted = new Search(
                        new HillClimb(s, 0.05, 30, new Random(3)).from(today),
                        runner(landscape, calls),
                        new Budget(100, null, 0),
                        System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(5000, restarted.best().chosen().throughput(), "restarts found the better region");
    }

    @Test
    void theBudgetAndPatienceStopASearch() throws Exception {
        SearchSpace s = space(4, 4, 4);
        AtomicLong calls = new AtomicLong();
        Point today = s.at(new int[] {0, 0, 0});
        Outcome byTrials = new Search(
                        new GridSearch(s), runner(p -> 1, calls), new Budget(5, null, 0), System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(5, byTrials.trials().size());
        assertTrue(byTrials.stopped().contains("trial budget"), byTrials.stopped());
        // a fake clock: each trial takes a minute
        AtomicLong now = new AtomicLong();
        Search.Runner slow = (n, p) -> {
            now.addAndGet(Duration.ofMinutes(1).toNanos());
            return runner(q -> 1, calls).run(n, p);
        };
        Outcome byTime = new Search(new GridSearch(s), slow, new Budget(100, Duration.ofMinutes(3), 0), now::get)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(3, byTime.trials().size());
        assertTrue(byTime.stopped().contains("time budget"), byTime.stopped());
        // nothing better than today for 4 trials in a row
        Outcome patient = new Search(
                        new GridSearch(s),
                        runner(p -> p.equals(today) ? 100 : 50, calls),
                        new Budget(100, null, 4),
                        System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(5, patient.trials().size());
        assertNotNull(patient.best());
        assertEquals(today, patient.best().point());
        assertTrue(patient.stopped().contains("nothing better"), patient.stopped());
    }

    @Test
    void confirmingMeasuresTheFinalistsAgainAndPicksByTheMean() throws Exception {
        SearchSpace s = space(3);
        Point today = s.at(new int[] {0});
        Point steady = s.at(new int[] {1});
        Point lucky = s.at(new int[] {2});
        java.util.Map<Point, Integer> calls = new java.util.HashMap<>();
        // the lucky one measured 150 once (a quiet moment); again it makes 60; the steady one always 100
        ToDoubleFunction<Point> noisy = p -> {
            int n = calls.merge(p, 1, Integer::sum);
            return p.equals(lucky) ? (n == 1 ? 150 : 60) : p.equals(steady) ? 100 : 50;
        };
        Outcome once = new Search(
                        new GridSearch(s), runner(noisy, new AtomicLong()), new Budget(10, null, 0), System::nanoTime)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(lucky, once.best().point(), "one measurement each: the lucky window wins");
        calls.clear();
        List<Point> repeated = new java.util.ArrayList<>();
        Outcome confirmed = new Search(
                        new GridSearch(s), runner(noisy, new AtomicLong()), new Budget(10, null, 0), System::nanoTime)
                .confirming(2, 2, 0.03)
                .run("m", s, JUDGE, "test", today, new Search.Listener() {
                    @Override
                    public void trial(Trial trial, Trial best) {}

                    @Override
                    public void repeat(Trial again, Trial of) {
                        repeated.add(again.point());
                    }
                });
        assertEquals(3, confirmed.trials().size(), "the search's own trials");
        assertEquals(6, repeated.size(), "today and the 2 best, twice each");
        assertEquals(List.of(today, lucky, steady, lucky, steady, today), repeated, "in rotating order");
        assertEquals(steady, confirmed.best().point(), "by the mean of the 2 repeats: 100 against 60");
        assertEquals(
                60, confirmed.confirmation(confirmed.trials().get(2)).mean().throughput(), 1e-9);
    }

    @Test
    void aBestWithinTheNoiseOfTodayLeavesTodayAlone() throws Exception {
        SearchSpace s = space(2);
        Point today = s.at(new int[] {0});
        Point other = s.at(new int[] {1});
        java.util.Map<Point, Integer> calls = new java.util.HashMap<>();
        double[] todays = {95, 100, 90};
        double[] others = {120, 130, 70};
        ToDoubleFunction<Point> noisy = p -> {
            int n = calls.merge(p, 1, Integer::sum) - 1;
            return p.equals(today) ? todays[n] : others[n];
        };
        Outcome o = new Search(
                        new GridSearch(s), runner(noisy, new AtomicLong()), new Budget(10, null, 0), System::nanoTime)
                .confirming(1, 2, 0.03)
                .run("m", s, JUDGE, "test", today, (t, b) -> {});
        assertEquals(other, o.topFinalist().trial().point(), "a higher mean of the repeats, 100 against 95");
        assertEquals(today, o.best().point(), "but not by more than the noise: today stays");
    }

    @Test
    void invalidPointsAreNeverProposed() {
        SearchSpace s = new SearchSpace(List.of(
                new Dimension(Knob.INSTANCES_MIN, List.of(1L, 2L, 3L)),
                new Dimension(Knob.INSTANCES_MAX, List.of(1L, 2L, 3L))));
        assertEquals(6, s.all().size(), "min <= max: 3 + 2 + 1");
        assertTrue(s.all().stream().allMatch(p -> v(p, Knob.INSTANCES_MIN) <= v(p, Knob.INSTANCES_MAX)));
        assertEquals(
                Map.of(Knob.INSTANCES_MIN, 1L, Knob.INSTANCES_MAX, 1L),
                s.all().get(0).values());
    }
}
