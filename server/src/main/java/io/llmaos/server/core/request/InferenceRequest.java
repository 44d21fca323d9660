package io.llmaos.server.core.request;

import io.llmaos.server.core.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One inference request as the scheduler sees it.
 *
 * @param version       0 = the highest READY version
 * @param priority      1 = highest; 0 = the model's default level
 * @param clampPriority true: a priority beyond the model's levels runs at its default level (Triton's
 *                      rule, counted), instead of being refused with INVALID_ARGUMENT
 * @param timeout       how long it may wait in the queue (null = the level's default)
 * @param deadlineNanos the caller's deadline ({@code Clock.nanoTime}), {@link Long#MAX_VALUE} for none
 * @param receivedNanos when the server received it ({@code Clock.nanoTime})
 * @param trace         the request's trace ({@link RequestTrace#NONE} when not traced)
 */
public record InferenceRequest(
        String model,
        long version,
        String requestId,
        List<Tensor> inputs,
        int priority,
        boolean clampPriority,
        Duration timeout,
        String tenant,
        long deadlineNanos,
        long receivedNanos,
        Cancellation cancellation,
        RequestTrace trace) {
    public InferenceRequest {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(cancellation, "cancellation");
        trace = trace == null ? RequestTrace.NONE : trace;
    }
}
