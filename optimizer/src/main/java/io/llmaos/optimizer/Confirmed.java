package io.llmaos.optimizer;

import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.trial.Trial;
import io.llmaos.optimizer.trial.Verdict;
import java.util.List;

/**
 * A finalist measured again: its search trial and the repeats, the mean of their measures at the load
 * level the search counted, and the verdict on that mean (what the best is chosen by when the search
 * confirms, so one lucky window does not pick it).
 *
 * @param trial   the search trial
 * @param repeats its repeats, in order
 * @param mean    the mean measures of the repeats
 * @param verdict the judge's verdict on the mean
 * @param scores  the objective's score of each repeat
 */
public record Confirmed(Trial trial, List<Trial> repeats, Measures mean, Verdict verdict, List<Double> scores) {
    public Confirmed {
        repeats = List.copyOf(repeats);
        scores = List.copyOf(scores);
    }

    /** The mean score. */
    public double meanScore() {
        return scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The variance of the scores (0 for one). */
    double variance() {
        double m = meanScore();
        return scores.size() < 2
                ? 0
                : scores.stream().mapToDouble(s -> (s - m) * (s - m)).sum() / (scores.size() - 1);
    }

    /**
     * Whether this beats {@code other} by more than the noise: the difference of the mean scores is
     * above twice its standard error (about 95% confidence for a normal noise) and above {@code margin}
     * (a share of {@code other}'s mean score).
     */
    public boolean clearlyBeats(Confirmed other, double margin) {
        double diff = meanScore() - other.meanScore();
        double se = Math.sqrt(variance() / scores.size() + other.variance() / other.scores.size());
        return diff > 2 * se && diff > margin * Math.abs(other.meanScore());
    }

    /** How many measurements the mean is of. */
    public int measurements() {
        return scores.size();
    }
}
