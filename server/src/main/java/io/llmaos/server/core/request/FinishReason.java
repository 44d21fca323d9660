package io.llmaos.server.core.request;

/** Why a generated sequence ended. */
public enum FinishReason {
    /** max_new_tokens or the model's max_context was reached. */
    LENGTH,
    /** A stop sequence was produced. */
    STOP,
    /** An end-of-sequence token was produced. */
    EOS,
    /** The caller cancelled. */
    CANCELLED,
    /** The caller's deadline passed. */
    DEADLINE
}
