package io.llmaos.optimizer.trial;

import io.llmaos.optimizer.objective.Constraint;
import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.objective.Objective;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores trials by the objective under the constraints. A trial measured at several load levels
 * counts by its best level that keeps every constraint (as Triton's Model Analyzer does: the most a
 * configuration serves within the bounds); one that keeps them at no level counts by its level nearest
 * to keeping them. A step where more than {@value #MAX_ERROR_SHARE} of requests failed breaks an
 * implicit constraint. Trials rank feasible first (by score), then by how far they miss, then the
 * trials not measured.
 */
public final class Judge {
    static final double MAX_ERROR_SHARE = 0.01;

    private final Objective objective;
    private final List<Constraint> constraints;

    public Judge(Objective objective, List<Constraint> constraints) {
        this.objective = objective;
        this.constraints = List.copyOf(constraints);
    }

    public Objective objective() {
        return objective;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    /** The verdict on the steps of a trial (null for none). */
    public Verdict judge(List<Measures> steps) {
        Verdict best = null;
        for (Measures m : steps) {
            List<String> broken = new ArrayList<>();
            double breach = 0;
            for (Constraint c : constraints) {
                if (!c.holds(m)) {
                    broken.add(c.describe());
                    breach += c.breach(m);
                }
            }
            if (m.errorShare() > MAX_ERROR_SHARE) {
                broken.add("errors <= 1%");
                breach += m.errorShare();
            }
            Verdict v = new Verdict(m, objective.score(m), broken, breach);
            if (best == null || RANK.compare(v, best) < 0) {
                best = v;
            }
        }
        return best;
    }

    /** Better verdicts first. */
    static final Comparator<Verdict> RANK = Comparator.comparing((Verdict v) -> !v.feasible())
            .thenComparingDouble(Verdict::breach)
            .thenComparing(Comparator.comparingDouble(Verdict::score).reversed());

    /** Better trials first: feasible by score, then measured by breach, then the others. */
    public static final Comparator<Trial> TRIALS = (a, b) -> {
        boolean am = a.verdict() != null && a.status() == Trial.Status.MEASURED;
        boolean bm = b.verdict() != null && b.status() == Trial.Status.MEASURED;
        if (am != bm) {
            return am ? -1 : 1;
        }
        return am ? RANK.compare(a.verdict(), b.verdict()) : Integer.compare(a.number(), b.number());
    };

    /**
     * Whether {@code a} beats {@code b} by more than {@code margin} (a share of b's score): any feasible
     * trial beats an infeasible one, a smaller breach beats a larger one.
     */
    public static boolean beats(Trial a, Trial b, double margin) {
        if (b == null) {
            return a != null && a.status() == Trial.Status.MEASURED;
        }
        if (TRIALS.compare(a, b) >= 0) {
            return false;
        }
        if (a.feasible() && b.feasible()) {
            double sa = a.verdict().score();
            double sb = b.verdict().score();
            return sa - sb > margin * Math.abs(sb);
        }
        return true;
    }
}
