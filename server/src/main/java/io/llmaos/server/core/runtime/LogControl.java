package io.llmaos.server.core.runtime;

/** The process log's settings, read and changed at run time (Triton's LogSettings). */
public interface LogControl {
    /**
     * What is logged and how.
     *
     * @param info    whether INFO lines are logged
     * @param warning whether WARN lines are logged
     * @param error   whether ERROR lines are logged
     * @param verbose 0 = nothing below INFO, 1 = DEBUG, 2 or more = TRACE as well
     * @param format  "default" (Triton's: a severity letter, then the time) or "ISO8601"
     */
    record Levels(boolean info, boolean warning, boolean error, int verbose, String format) {
        public static final Levels DEFAULT = new Levels(true, true, true, 0, "ISO8601");
    }

    Levels get();

    /** Applies {@code levels} from now on. */
    void set(Levels levels);
}
