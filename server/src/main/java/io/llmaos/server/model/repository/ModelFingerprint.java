package io.llmaos.server.model.repository;

import java.util.Map;

/**
 * What a model looks like on disk, cheaply: a stamp of its config.json and one per version folder
 * (a hash of every file's relative path, size and modification time). Poll mode compares these.
 */
public record ModelFingerprint(long configStamp, Map<Long, Long> versionStamps) {
    public ModelFingerprint {
        versionStamps = Map.copyOf(versionStamps);
    }
}
