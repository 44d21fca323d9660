package io.llmaos.server.core.request;

/** Tells whether the caller of a request has gone away, and who to tell when it does. */
public interface Cancellation {
    /** A request nobody can cancel. */
    Cancellation NONE = new Cancellation() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void onCancel(Runnable action) {
            // never cancelled
        }
    };

    /** Whether the caller has cancelled (or its deadline passed). */
    boolean isCancelled();

    /** Runs {@code action} once when the caller cancels (at once if it already has). */
    void onCancel(Runnable action);
}
