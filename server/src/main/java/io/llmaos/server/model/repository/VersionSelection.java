package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.VersionPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;

/** Applies a {@link VersionPolicy} to the versions found on disk. */
final class VersionSelection {
    private VersionSelection() {}

    /** The versions to serve, highest first. */
    static List<Long> select(VersionPolicy policy, SortedSet<Long> onDisk) {
        List<Long> descending = new ArrayList<>(onDisk);
        Collections.reverse(descending);
        return switch (policy.getPolicyCase()) {
            case ALL -> descending;
            case SPECIFIC ->
                descending.stream()
                        .filter(policy.getSpecific().getVersionsList()::contains)
                        .toList();
            case LATEST ->
                descending.subList(0, Math.min(Math.max(1, policy.getLatest().getNumVersions()), descending.size()));
            case POLICY_NOT_SET -> descending.subList(0, Math.min(1, descending.size()));
        };
    }
}
