package io.llmaos.server.model.engine;

/** How token vectors become one sentence vector. */
public enum Pooling {
    /** Mean of the token vectors where the attention mask is 1. */
    MEAN,
    /** The first token's vector. */
    CLS,
    /** Element-wise maximum over the unmasked tokens. */
    MAX
}
