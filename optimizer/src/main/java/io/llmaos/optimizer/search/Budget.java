package io.llmaos.optimizer.search;

import java.time.Duration;
import java.util.Locale;

/**
 * How much a search may spend: trials (the baseline counts), time, or both (whichever ends first), and
 * how many trials in a row may pass without a new best before it stops ({@code patience}, 0 = no limit).
 */
public record Budget(int trials, Duration time, int patience) {
    public Budget {
        if (trials < 1) {
            throw new IllegalArgumentException("a budget needs at least one trial");
        }
        if (time != null && (time.isNegative() || time.isZero())) {
            throw new IllegalArgumentException("a time budget must be above 0");
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience cannot be negative");
        }
    }

    /** "20 trials, 10m, patience 5". */
    public String describe() {
        String t = trials == Integer.MAX_VALUE ? "no trial limit" : trials + " trials";
        return t
                + (time == null ? "" : ", " + time.toString().substring(2).toLowerCase(Locale.ROOT))
                + (patience == 0 ? "" : ", stop after " + patience + " trials without a new best");
    }
}
