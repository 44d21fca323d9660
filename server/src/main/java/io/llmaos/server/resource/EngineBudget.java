package io.llmaos.server.resource;

/**
 * The engine budgets of the ledger: threads (threads per instance x instances) and instances, held by
 * every model instance together. Nothing is granted beyond either limit: a load reserves its
 * start-up instances before the engine creates any, a scale-up reserves one more before it is made,
 * and an instance gives its share back when it is closed.
 */
public final class EngineBudget {
    private final int threadLimit;
    private final int instanceLimit;
    private int threads;
    private int instances;

    /**
     * @param threadLimit   the engine threads all instances may hold together
     * @param instanceLimit the instances all models may hold together; 0 = no limit
     */
    public EngineBudget(int threadLimit, int instanceLimit) {
        this.threadLimit = threadLimit;
        this.instanceLimit = instanceLimit;
    }

    /** {@code count} instances of {@code threadsPerInstance} threads each, if they fit both budgets. */
    public synchronized boolean tryReserve(int count, int threadsPerInstance) {
        long moreThreads = (long) count * threadsPerInstance;
        if (threads + moreThreads > threadLimit || (instanceLimit > 0 && (long) instances + count > instanceLimit)) {
            return false;
        }
        threads += (int) moreThreads;
        instances += count;
        return true;
    }

    /** One instance stopped and gives back its threads. */
    public synchronized void give(int threadsPerInstance) {
        threads -= threadsPerInstance;
        instances--;
    }

    /** Whether one more instance of {@code threadsPerInstance} threads would fit now. */
    public synchronized boolean fits(int threadsPerInstance) {
        return threads + threadsPerInstance <= threadLimit && (instanceLimit == 0 || instances < instanceLimit);
    }

    /** Why {@code count} instances of {@code threadsPerInstance} threads do not fit, for an error message. */
    public synchronized String shortfall(int count, int threadsPerInstance) {
        return count + " instance(s) of " + threadsPerInstance + " thread(s) do not fit: " + threads + " of "
                + threadLimit + " engine threads (--thread-budget) and " + instances + " of "
                + (instanceLimit == 0 ? "unlimited" : String.valueOf(instanceLimit))
                + " instances (--instance-budget) are held";
    }

    public int threadLimit() {
        return threadLimit;
    }

    /** 0 = no limit. */
    public int instanceLimit() {
        return instanceLimit;
    }

    public synchronized int threads() {
        return threads;
    }

    public synchronized int instances() {
        return instances;
    }
}
