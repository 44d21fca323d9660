/**
 * Reads a model repository: {@code <root>/<model>/config.json} (a {@code llmaos.v1.ModelConfig} as
 * proto JSON, validated with errors that name the file and the field) and
 * {@code <root>/<model>/<version>/} folders. Infers the engine from the files, applies the version
 * policy, fingerprints models for poll mode, and turns a version into the engine's
 * {@link io.llmaos.server.model.engine.ModelSpec}. Every path is canonicalised and must stay inside
 * the root; nothing is read from a URL.
 */
package io.llmaos.server.model.repository;
