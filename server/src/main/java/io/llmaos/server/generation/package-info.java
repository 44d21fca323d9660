/**
 * Token processing around a generative model's decode steps, shared by every API that generates:
 * the one validator of a sequence's prompt and sampling parameters ({@link
 * io.llmaos.server.generation.SequencePlan}), the sampler (top-k and top-p by partial selection on
 * primitive arrays), and stop matching with whole-character text deltas. The tokenizer itself is
 * the model's, owned by its served copy. Depends on core and the engine SPI only; the continuous
 * batching scheduler uses it and keeps admission and stepping.
 */
package io.llmaos.server.generation;
