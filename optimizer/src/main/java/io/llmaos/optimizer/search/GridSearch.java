package io.llmaos.optimizer.search;

import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.space.SearchSpace;
import io.llmaos.optimizer.trial.Trial;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every valid point of the space in order (those already tried, the baseline among them, are skipped). */
public final class GridSearch implements Strategy {
    private final List<Point> points;
    private int next;

    public GridSearch(SearchSpace space) {
        this.points = space.all();
    }

    @Override
    public Point next(List<Trial> tried) {
        Set<Point> done = new HashSet<>();
        tried.forEach(t -> done.add(t.point()));
        while (next < points.size()) {
            Point p = points.get(next++);
            if (!done.contains(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String name() {
        return "grid (" + points.size() + " points)";
    }
}
