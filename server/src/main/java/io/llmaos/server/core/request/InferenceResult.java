package io.llmaos.server.core.request;

import io.llmaos.server.core.tensor.Tensor;
import java.util.List;

/**
 * The outputs of one request and where its time went.
 *
 * @param model        the version that ran it
 * @param queueNanos   time waiting to run
 * @param computeNanos time in the engine (with pre- and post-processing)
 * @param batchSize    the size of the batch it ran in
 */
public record InferenceResult(ModelRef model, List<Tensor> outputs, long queueNanos, long computeNanos, int batchSize) {
    public InferenceResult {
        outputs = List.copyOf(outputs);
    }
}
