package io.llmaos.optimizer;

import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import java.util.List;

/**
 * What a search did: every trial (the baseline, today's configuration, first), the best, why it stopped
 * and how long it took.
 *
 * @param model    the model searched
 * @param space    the space
 * @param strategy how it searched
 * @param judge    the objective and constraints
 * @param workload how each trial was measured, in words
 * @param trials   every trial, in order
 * @param stopped  why the search stopped
 * @param seconds  how long it took
 */
public record Outcome(
        String model,
        SearchSpace space,
        String strategy,
        Judge judge,
        String workload,
        List<Trial> trials,
        String stopped,
        double seconds) {
    public Outcome {
        trials = List.copyOf(trials);
    }

    /** Today's configuration as measured (trial 0). */
    public Trial baseline() {
        return trials.isEmpty() ? null : trials.get(0);
    }

    /** The best trial that kept every constraint, or null when none did. */
    public Trial best() {
        return trials.stream().filter(Trial::feasible).min(Judge.TRIALS).orElse(null);
    }
}
