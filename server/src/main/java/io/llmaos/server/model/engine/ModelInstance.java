package io.llmaos.server.model.engine;

import io.llmaos.server.core.tensor.Tensor;
import java.util.List;

/**
 * One executor of a loaded model, used by one thread at a time (it holds per-thread engine state
 * such as a DJL Predictor). Engine memory used by a batch is freed before {@link #execute} returns.
 */
public interface ModelInstance extends AutoCloseable {
    /**
     * Runs one batch. Inputs are the model's declared inputs (by name); outputs are its declared
     * outputs, copied out of engine memory.
     */
    List<Tensor> execute(List<Tensor> inputs);

    @Override
    void close();
}
