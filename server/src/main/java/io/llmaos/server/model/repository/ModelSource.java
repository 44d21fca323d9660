package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A model as found in the repository: its folder, its effective configuration (engine inferred,
 * name filled in, any override applied), the versions on disk and those its version policy selects.
 */
public record ModelSource(
        String name,
        Path directory,
        ModelConfig config,
        SortedMap<Long, Path> versionsOnDisk,
        List<Long> selectedVersions) {
    public ModelSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        versionsOnDisk = new TreeMap<>(versionsOnDisk);
        selectedVersions = List.copyOf(selectedVersions);
    }

    /** The folder of {@code version}. */
    public Path versionDir(long version) {
        return versionsOnDisk.get(version);
    }
}
