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
 * @param mean    the mean measures (search trial and repeats)
 * @param verdict the judge's verdict on the mean
 */
public record Confirmed(Trial trial, List<Trial> repeats, Measures mean, Verdict verdict) {
    public Confirmed {
        repeats = List.copyOf(repeats);
    }

    /** How many measurements the mean is of. */
    public int measurements() {
        return 1 + (int) repeats.stream().filter(t -> t.chosen() != null).count();
    }
}
