package io.llmaos.optimizer.trial;

import io.llmaos.optimizer.objective.Measures;
import java.util.List;

/**
 * How a trial fares: the load step that counts, its objective score, and the constraints it broke.
 *
 * @param measures the step that counts: the best-scoring step that keeps every constraint, else the
 *                 step nearest to keeping them
 * @param score    the objective's score of it (higher is better)
 * @param broken   the constraints it breaks, as text (empty = feasible)
 * @param breach   how far past its bounds it is, summed as shares of each bound (0 = feasible)
 */
public record Verdict(Measures measures, double score, List<String> broken, double breach) {
    public Verdict {
        broken = List.copyOf(broken);
    }

    public boolean feasible() {
        return broken.isEmpty();
    }
}
