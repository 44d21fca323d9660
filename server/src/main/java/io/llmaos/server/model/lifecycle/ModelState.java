package io.llmaos.server.model.lifecycle;

/** The state of one model version. */
public enum ModelState {
    /** On disk, not loaded. */
    UNAVAILABLE,
    /** Being loaded and warmed up. */
    LOADING,
    /** Serving. */
    READY,
    /** Finishing in-flight work, then freeing memory. */
    UNLOADING,
    /** The load failed; the status's reason says why. */
    FAILED
}
