package io.llmaos.optimizer;

import io.llmaos.optimizer.search.Budget;
import io.llmaos.optimizer.search.Strategy;
import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The seed's loop: evaluate, adjust, test, iterate. Trial 0 measures today's configuration; then the
 * strategy proposes, the runner tries and the judge scores, until the strategy is done, the budget is
 * spent, or {@code patience} trials in a row found no new best.
 */
public final class Search {
    /** Runs one trial (the real runner, or a fake in tests). */
    @FunctionalInterface
    public interface Runner {
        Trial run(int number, Point point) throws Exception;
    }

    /** Hears of each trial as it ends. */
    @FunctionalInterface
    public interface Listener {
        void trial(Trial trial, Trial best);

        /** A finalist measured again ({@code again} repeats {@code of}). */
        default void repeat(Trial again, Trial of) {}
    }

    private final Strategy strategy;
    private final Runner runner;
    private final Budget budget;
    private final LongSupplier nanoTime;
    private int confirmTop;
    private int confirmRounds;
    private double confirmMargin;

    public Search(Strategy strategy, Runner runner, Budget budget, LongSupplier nanoTime) {
        this.strategy = strategy;
        this.runner = runner;
        this.budget = budget;
        this.nanoTime = nanoTime;
    }

    /**
     * After the search, measures today's config and the {@code top} best {@code rounds} times more
     * ({@link Confirmation}); the best replaces today's only if it beats it by more than the noise and
     * {@code margin}.
     */
    public Search confirming(int top, int rounds, double margin) {
        this.confirmTop = top;
        this.confirmRounds = rounds;
        this.confirmMargin = margin;
        return this;
    }

    /** Searches from {@code baseline} (today's configuration over the space's knobs). */
    public Outcome run(String model, SearchSpace space, Judge judge, String workload, Point baseline, Listener listener)
            throws Exception {
        long t0 = nanoTime.getAsLong();
        List<Trial> trials = new ArrayList<>();
        Trial best = null;
        int sinceBest = 0;
        String stopped;
        Point next = baseline;
        while (true) {
            Trial t = runner.run(trials.size(), next);
            trials.add(t);
            if (Judge.beats(t, best, 0)) {
                best = t;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            listener.trial(t, best);
            if (trials.size() >= budget.trials()) {
                stopped = "the trial budget (" + budget.trials() + ") was spent";
                break;
            }
            if (budget.time() != null
                    && nanoTime.getAsLong() - t0 >= budget.time().toNanos()) {
                stopped = "the time budget (" + budget.time().toSeconds() + " s) was spent";
                break;
            }
            if (budget.patience() > 0 && sinceBest >= budget.patience()) {
                stopped = budget.patience() + " trials in a row found nothing better";
                break;
            }
            next = strategy.next(trials);
            if (next == null) {
                stopped = "the " + strategy.name() + " search was done";
                break;
            }
        }
        List<Confirmed> confirmed = Confirmation.run(trials, judge, confirmTop, confirmRounds, runner, listener);
        return new Outcome(
                model,
                space,
                strategy.name(),
                judge,
                workload,
                trials,
                confirmed,
                confirmMargin,
                stopped,
                (nanoTime.getAsLong() - t0) / 1e9);
    }
}
