package io.llmaos.server.resource;

/**
 * The engine budgets of the ledger: threads (threads per instance x instances, so scaling up never
 * oversubscribes the CPU) and instances, held by every instance pool together. An instance takes
 * its threads and one instance when it starts and gives them back when it stops. Instances a load
 * starts with are granted as long as the instance budget allows them ({@link #instancesFit}); the
 * threads of start-up instances are always granted, growth only within both limits.
 */
public final class EngineBudget {
    private final int threadLimit;
    private final int instanceLimit;
    private int threads;
    private int instances;

    /** @param instanceLimit 0 = no limit */
    public EngineBudget(int threadLimit, int instanceLimit) {
        this.threadLimit = threadLimit;
        this.instanceLimit = instanceLimit;
    }

    /** One instance of {@code threadsPerInstance} starts (at load: always granted). */
    public synchronized void take(int threadsPerInstance) {
        threads += threadsPerInstance;
        instances++;
    }

    /** One more instance if it fits both budgets; false otherwise. */
    public synchronized boolean tryTake(int threadsPerInstance) {
        if (threads + threadsPerInstance > threadLimit || (instanceLimit > 0 && instances + 1 > instanceLimit)) {
            return false;
        }
        take(threadsPerInstance);
        return true;
    }

    /** One instance stopped. */
    public synchronized void give(int threadsPerInstance) {
        threads -= threadsPerInstance;
        instances--;
    }

    /** Whether {@code n} more instances fit the instance budget. */
    public synchronized boolean instancesFit(int n) {
        return instanceLimit == 0 || instances + n <= instanceLimit;
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
