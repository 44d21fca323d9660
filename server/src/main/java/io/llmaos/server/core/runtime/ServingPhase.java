package io.llmaos.server.core.runtime;

/** Where the server is in its life. Phases only move forward, in declaration order. */
public enum ServingPhase {
    /** Started, but not yet accepting work. Live, not ready. */
    STARTING,
    /** Accepting work. Live and ready. */
    SERVING,
    /** Shutting down: no new calls are accepted, in-flight calls finish. Live, not ready. */
    DRAINING,
    /** Stopped. Neither live nor ready. */
    STOPPED;

    /** Whether the process is up and answering (the OIP "live" flag). */
    public boolean isLive() {
        return this != STOPPED;
    }

    /** Whether the server takes new work (the OIP "ready" flag, health SERVING). */
    public boolean isReady() {
        return this == SERVING;
    }
}
