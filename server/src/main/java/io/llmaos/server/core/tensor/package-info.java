/**
 * Tensors as the server passes them between layers: the Open Inference Protocol datatypes, an
 * immutable little-endian tensor, and the declared name, type and shape of a model's input or
 * output. Plain Java values, no contract messages.
 */
package io.llmaos.server.core.tensor;
