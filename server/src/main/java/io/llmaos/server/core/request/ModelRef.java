package io.llmaos.server.core.request;

import java.util.Objects;

/** A model version: the model's name and a positive version number. */
public record ModelRef(String name, long version) {
    public ModelRef {
        Objects.requireNonNull(name, "name");
        if (version <= 0) {
            throw new IllegalArgumentException("versions are positive integers, got " + version);
        }
    }

    @Override
    public String toString() {
        return name + "/" + version;
    }
}
