package io.llmaos.server.model.lifecycle;

/** A state change of one model version; {@code previous} is null in an initial snapshot. */
public record ModelEvent(String name, VersionStatus status, ModelState previous) {}
