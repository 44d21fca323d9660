package io.llmaos.optimizer.search;

import io.llmaos.optimizer.space.Point;
import io.llmaos.optimizer.trial.Trial;
import java.util.List;

/** Picks the configurations a search tries, one at a time, from the trials so far. */
public interface Strategy {
    /** The next point to try, or null when the strategy is done. {@code tried} holds every trial so far, in order. */
    Point next(List<Trial> tried);

    /** Its name in a report. */
    String name();
}
