package io.llmaos.server.core.request;

import io.llmaos.server.core.error.LlmaosException;
import java.util.List;

/**
 * Receives one sequence's output as it is made: {@link #onStart} once it is admitted, then
 * {@link #onTokens} per decode step, then exactly one of {@link #onFinish} or {@link #onError}.
 * Called from the decode loop: implementations must not block (buffer instead).
 */
public interface GenerationListener {
    /** The sequence was admitted: its prompt as token ids, and the model version serving it. */
    void onStart(long[] promptIds, long modelVersion);

    /** Tokens made in one step (usually one). */
    void onTokens(List<GeneratedToken> tokens);

    /** The sequence ended normally (or was cancelled, or ran out of time after starting). */
    void onFinish(FinishReason reason, GenerationUsage usage);

    /** The sequence failed, or was never admitted. */
    void onError(LlmaosException error);
}
