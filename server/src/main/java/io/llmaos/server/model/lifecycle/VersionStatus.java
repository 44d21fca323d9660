package io.llmaos.server.model.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * The observable status of one model version.
 *
 * @param memoryBytes resident memory measured at load (process RSS growth over load and warmup)
 * @param loadMillis  how long the last load took, warmup included
 */
public record VersionStatus(
        long version,
        ModelState state,
        String reason,
        long memoryBytes,
        int instances,
        Instant since,
        long loadMillis) {
    public VersionStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        reason = reason == null ? "" : reason;
    }

    /** A version on disk that is not loaded. */
    static VersionStatus unavailable(long version, String reason, Instant since) {
        return new VersionStatus(version, ModelState.UNAVAILABLE, reason, 0, 0, since, 0);
    }

    VersionStatus moveTo(ModelState next, String why, Instant at) {
        return new VersionStatus(
                version,
                next,
                why,
                next == ModelState.READY ? memoryBytes : 0,
                next == ModelState.READY ? instances : 0,
                at,
                loadMillis);
    }
}
