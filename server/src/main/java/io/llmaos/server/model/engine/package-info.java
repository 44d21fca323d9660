/**
 * The engine SPI: an {@link io.llmaos.server.model.engine.InferenceEngine} loads one model version
 * ({@link io.llmaos.server.model.engine.ModelSpec}) into a
 * {@link io.llmaos.server.model.engine.LoadedModel}, which makes
 * {@link io.llmaos.server.model.engine.ModelInstance}s that each execute one batch at a time on core
 * tensors. Engine-independent processing around an instance (classifier labels, embedding pooling)
 * lives here too. Nothing here knows DJL; the scheduler sees only this package.
 */
package io.llmaos.server.model.engine;
