package io.llmaos.server.scheduler;

/**
 * The engine threads all instance pools may use together (threads per instance x instances), so
 * scaling up never oversubscribes the CPU. Start-up instances are always granted; growth only
 * within the budget.
 */
final class ThreadBudget {
    private final int limit;
    private int used;

    ThreadBudget(int limit) {
        this.limit = limit;
    }

    synchronized void take(int threads) {
        used += threads;
    }

    /** Takes {@code threads} if they fit; false otherwise. */
    synchronized boolean tryTake(int threads) {
        if (used + threads > limit) {
            return false;
        }
        used += threads;
        return true;
    }

    synchronized void give(int threads) {
        used -= threads;
    }

    /** The most threads all pools may hold together. */
    int limit() {
        return limit;
    }

    /** Threads held now. */
    synchronized int used() {
        return used;
    }
}
