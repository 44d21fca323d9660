package io.llmaos.optimizer.trial;

import io.llmaos.optimizer.objective.Measures;
import io.llmaos.optimizer.space.Point;
import java.util.List;

/**
 * One configuration tried: what it was, how it went, what each load step measured, and the verdict.
 *
 * @param number   its place in the search (0 = the model's configuration as it was, the baseline)
 * @param point    the configuration (knob values)
 * @param status   measured, or why not
 * @param note     what went wrong (the server's error), or empty
 * @param steps    every load step measured
 * @param verdict  the step that counts and how it fares (null when nothing was measured)
 * @param seconds  how long the trial took, load included
 */
public record Trial(
        int number, Point point, Status status, String note, List<Measures> steps, Verdict verdict, double seconds) {
    public Trial {
        steps = List.copyOf(steps);
    }

    /** How a trial ended. */
    public enum Status {
        /** loaded and measured (its verdict says whether it kept the constraints) */
        MEASURED,
        /** the server refused or failed to load the configuration */
        LOAD_FAILED,
        /** the server died during the trial (it was restarted, or came back, for the next one) */
        SERVER_CRASHED,
        /** loaded, but the load test could not measure it (every request failed) */
        FAILED
    }

    public boolean baseline() {
        return number == 0;
    }

    /** Whether it was measured and kept every constraint. */
    public boolean feasible() {
        return status == Status.MEASURED && verdict != null && verdict.feasible();
    }

    /** The measures that count (null when nothing was measured). */
    public Measures chosen() {
        return verdict == null ? null : verdict.measures();
    }

    /** A short word for a report: "ok", "breaks p99 <= 10.00ms", "load failed", ... */
    public String outcome() {
        return switch (status) {
            case MEASURED -> verdict.feasible() ? "ok" : "breaks " + String.join(", ", verdict.broken());
            case LOAD_FAILED -> "load failed";
            case SERVER_CRASHED -> "server crashed";
            case FAILED -> "not measured";
        };
    }
}
