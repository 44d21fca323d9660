package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import java.time.Instant;
import java.util.List;

/**
 * A model as the lifecycle sees it: its effective configuration (the default instance when its
 * config.json could not be read), its versions (highest first), and when it last served.
 *
 * @param configError why the configuration could not be read, or empty
 */
public record ModelStatus(
        String name, ModelConfig config, String configError, List<VersionStatus> versions, Instant lastUsed) {
    public ModelStatus {
        versions = List.copyOf(versions);
    }

    /** Whether any version is READY. */
    public boolean ready() {
        return versions.stream().anyMatch(v -> v.state() == ModelState.READY);
    }
}
