package io.llmaos.server.model.engine;

/** What a model does, which decides the processing around the engine call. */
public enum ServingKind {
    /** Tensors in, tensors out. */
    TENSOR,
    /** Tensors in, class scores out, plus the best labels. */
    CLASSIFIER,
    /** Text in, one normalised vector per text out. */
    EMBEDDING,
    /** A language model decoded token by token. */
    GENERATIVE
}
