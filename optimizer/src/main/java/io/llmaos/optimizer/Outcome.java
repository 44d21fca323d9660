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
 * @param confirmed the finalists measured again (empty when the search did not confirm)
 * @param margin   how much better (a share) than today a confirmed best must be to replace it
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
        List<Confirmed> confirmed,
        double margin,
        String stopped,
        double seconds) {
    public Outcome {
        trials = List.copyOf(trials);
        confirmed = List.copyOf(confirmed);
    }

    /** Today's configuration as measured (trial 0). */
    public Trial baseline() {
        return trials.isEmpty() ? null : trials.get(0);
    }

    /**
     * The best trial that kept every constraint, or null when none did: by the mean of the finalists'
     * measurements when the search confirmed, else by its own.
     */
    public Trial best() {
        if (!confirmed.isEmpty()) {
            Confirmed top = topFinalist();
            Confirmed today = confirmation(baseline());
            if (top != null
                    && today != null
                    && top != today
                    && today.verdict().feasible()
                    && !top.clearlyBeats(today, margin)) {
                return today.trial(); // not measurably better: nothing worth changing
            }
            return top == null ? null : top.trial();
        }
        return trials.stream().filter(Trial::feasible).min(Judge.TRIALS).orElse(null);
    }

    /** How many repeat measurements the confirmation took. */
    public int repeats() {
        return confirmed.stream().mapToInt(c -> c.repeats().size()).sum();
    }

    /** The finalist with the best mean score (which {@link #best} takes only if it clearly beats today's). */
    public Confirmed topFinalist() {
        return confirmed.stream()
                .filter(c -> c.verdict().feasible())
                .max(java.util.Comparator.comparingDouble(Confirmed::meanScore))
                .orElse(null);
    }

    /** The confirmation of {@code t}, or null when it was not a finalist. */
    public Confirmed confirmation(Trial t) {
        return confirmed.stream().filter(c -> c.trial() == t).findFirst().orElse(null);
    }
}
