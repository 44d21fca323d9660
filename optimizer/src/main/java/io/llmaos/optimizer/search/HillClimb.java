package io.llmaos.optimizer.search;

import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.Judge;
import io.llmaos.optimizer.trial.Trial;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Steepest-ascent coordinate search with random restarts, for spaces too large for a grid: from the
 * point nearest today's configuration, it tries each neighbour (one knob one value up or down), moves
 * to the best if it beats the current point by more than {@code margin} (measurement noise is not a
 * step), and when no neighbour does (a local optimum: the search stops improving there), restarts from
 * a random untried point, {@code restarts} times at most.
 */
public final class HillClimb implements Strategy {
    private final SearchSpace space;
    private final double margin;
    private final RandomGenerator random;
    private int restartsLeft;
    private int[] current;
    private final Deque<int[]> pending = new ArrayDeque<>();
    private boolean started;

    /**
     * @param margin   how much better (a share of the score) a neighbour must be to move there
     * @param restarts random restarts after a local optimum
     */
    public HillClimb(SearchSpace space, double margin, int restarts, RandomGenerator random) {
        this.space = space;
        this.margin = margin;
        this.restartsLeft = restarts;
        this.random = random;
    }

    /** Starts from the point nearest {@code start} (today's configuration). */
    public HillClimb from(Point start) {
        current = space.nearest(start);
        return this;
    }

    @Override
    public Point next(List<Trial> tried) {
        Map<Point, Trial> byPoint = new HashMap<>();
        tried.forEach(t -> byPoint.putIfAbsent(t.point(), t));
        if (!started) {
            started = true;
            if (current == null || !SearchSpace.valid(at(current))) {
                current = untried(byPoint);
                if (current == null) {
                    return null;
                }
            }
            if (!byPoint.containsKey(at(current))) {
                return at(current);
            }
        }
        while (true) {
            if (!neighboursQueued) {
                queueNeighbours();
            }
            while (!pending.isEmpty()) {
                Point p = at(pending.poll());
                if (!byPoint.containsKey(p)) {
                    return p;
                }
            }
            // every neighbour of the current point is measured: move to the best, or restart
            int[] best = bestNeighbour(byPoint);
            if (best != null) {
                current = best;
                neighboursQueued = false;
                continue;
            }
            if (restartsLeft-- <= 0) {
                return null;
            }
            current = untried(byPoint);
            if (current == null) {
                return null;
            }
            neighboursQueued = false;
            return at(current);
        }
    }

    private boolean neighboursQueued;

    /** Queues the current point's valid neighbours. */
    private void queueNeighbours() {
        neighboursQueued = true;
        for (int d = 0; d < current.length; d++) {
            for (int step : new int[] {-1, 1}) {
                int v = current[d] + step;
                if (v >= 0 && v < space.dimensions().get(d).values().size()) {
                    int[] n = current.clone();
                    n[d] = v;
                    if (SearchSpace.valid(at(n))) {
                        pending.add(n);
                    }
                }
            }
        }
    }

    /** The best measured neighbour that beats the current point by the margin, or null. */
    private int[] bestNeighbour(Map<Point, Trial> byPoint) {
        Trial here = byPoint.get(at(current));
        int[] best = null;
        Trial bestTrial = here;
        for (int d = 0; d < current.length; d++) {
            for (int step : new int[] {-1, 1}) {
                int v = current[d] + step;
                if (v < 0 || v >= space.dimensions().get(d).values().size()) {
                    continue;
                }
                int[] n = current.clone();
                n[d] = v;
                Trial t = byPoint.get(at(n));
                if (t != null && Judge.beats(t, bestTrial, bestTrial == here ? margin : 0)) {
                    best = n;
                    bestTrial = t;
                }
            }
        }
        return best;
    }

    private int[] untried(Map<Point, Trial> byPoint) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int[] i = space.random(random);
            Point p = at(i);
            if (SearchSpace.valid(p) && !byPoint.containsKey(p)) {
                return i;
            }
        }
        return null;
    }

    private Point at(int[] index) {
        return space.at(index);
    }

    @Override
    public String name() {
        return "hill climbing (steepest ascent, margin " + Math.round(margin * 100) + "%, restarts)";
    }
}
