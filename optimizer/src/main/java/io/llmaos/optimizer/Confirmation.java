package io.llmaos.optimizer;

import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After a search, today's configuration and the {@code top} best trials are measured again, {@code rounds}
 * times in rotating order so the machine's drift falls on all of them, and the best is chosen by the
 * mean of the repeats (the search's own measurement, taken at another moment, is left out): on a noisy
 * machine two runs of one configuration differ by tens of per cent, and a search alone would pick
 * whichever had a lucky window.
 */
final class Confirmation {
    private Confirmation() {}

    /** The finalists of {@code trials} measured again (empty when there is nothing to compare). */
    static List<Confirmed> run(
            List<Trial> trials, Judge judge, int top, int rounds, Search.Runner runner, Search.Listener listener)
            throws Exception {
        List<Trial> finalists = new ArrayList<>();
        Trial today = trials.get(0);
        if (today.status() == Trial.Status.MEASURED) {
            finalists.add(today);
        }
        trials.stream()
                .filter(t -> t.feasible() && !t.baseline() && !t.point().equals(today.point()))
                .sorted(Judge.TRIALS)
                .limit(top)
                .forEach(finalists::add);
        if (rounds < 1 || finalists.size() < 2) {
            return List.of();
        }
        Map<Trial, List<Trial>> repeats = new LinkedHashMap<>();
        finalists.forEach(f -> repeats.put(f, new ArrayList<>()));
        int number = trials.size();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < finalists.size(); k++) {
                Trial f = finalists.get((k + r) % finalists.size());
                Trial again = runner.run(number++, f.point());
                repeats.get(f).add(again);
                listener.repeat(again, f);
            }
        }
        List<Confirmed> confirmed = new ArrayList<>();
        repeats.forEach((f, again) -> {
            List<Measures> all = measurements(f, again);
            Measures mean = mean(f.chosen().level(), all);
            List<Double> scores =
                    all.stream().map(m -> judge.objective().score(m)).toList();
            confirmed.add(new Confirmed(f, again, mean, judge.judge(List.of(mean)), scores));
        });
        return confirmed;
    }

    /**
     * The repeats' steps at the load level {@code f} counted at: the measurements taken side by side
     * with the other finalists ({@code f}'s own, taken earlier in the search, is left out).
     */
    static List<Measures> measurements(Trial f, List<Trial> again) {
        List<Measures> all = new ArrayList<>();
        for (Trial t : again) {
            t.steps().stream()
                    .filter(s -> s.level() == f.chosen().level())
                    .findFirst()
                    .ifPresent(all::add);
        }
        return all.isEmpty() ? List.of(f.chosen()) : all;
    }

    /** The mean of {@code all}, measured at {@code level}. */
    static Measures mean(double level, List<Measures> all) {
        double n = all.size();
        double[] sum = new double[8];
        for (Measures m : all) {
            sum[0] += m.throughput();
            sum[1] += m.p50Us();
            sum[2] += m.p99Us();
            sum[3] += m.memoryBytes();
            sum[4] += m.ttftP99Us();
            sum[5] += m.itlP99Us();
            sum[6] += m.tokensPerS();
            sum[7] += m.errorShare();
        }
        return new Measures(
                level, sum[0] / n, sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n, sum[5] / n, sum[6] / n, sum[7] / n);
    }
}
