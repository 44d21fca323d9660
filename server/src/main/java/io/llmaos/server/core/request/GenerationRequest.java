package io.llmaos.server.core.request;

import java.time.Duration;
import java.util.Objects;

/**
 * One text-generation request as the scheduler sees it. Exactly one of {@code promptText} and
 * {@code promptIds} is set.
 *
 * @param version       0 = the highest READY version
 * @param priority      1 = highest; 0 = the model's default level
 * @param clampPriority true: a priority beyond the model's levels runs at its default level (Triton's
 *                      rule, counted), instead of being refused with INVALID_ARGUMENT
 * @param timeout       how long it may wait to be admitted (null = the level's default)
 * @param deadlineNanos the caller's deadline ({@code Clock.nanoTime}), {@link Long#MAX_VALUE} for none
 * @param receivedNanos when the server received it ({@code Clock.nanoTime})
 * @param trace         the request's trace ({@link RequestTrace#NONE} when not traced)
 */
public record GenerationRequest(
        String model,
        long version,
        String requestId,
        String promptText,
        long[] promptIds,
        SamplingParams sampling,
        int priority,
        boolean clampPriority,
        Duration timeout,
        String tenant,
        long deadlineNanos,
        long receivedNanos,
        Cancellation cancellation,
        RequestTrace trace) {
    public GenerationRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cancellation, "cancellation");
        trace = trace == null ? RequestTrace.NONE : trace;
        if ((promptText == null) == (promptIds == null)) {
            throw new IllegalArgumentException("exactly one of promptText and promptIds");
        }
        promptIds = promptIds == null ? null : promptIds.clone();
    }
}
