package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.List;

/** A GENERATIVE model's instance: plain tensor calls (warm-up) and decode batches. */
final class DjlGenerativeInstance implements GenerativeInstance {
    private final ModelSpec spec;
    private final Model model;
    private final PytorchThreads pytorchThreads;
    private final DjlTensorInstance tensors;

    DjlGenerativeInstance(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.model = model;
        this.pytorchThreads = pytorchThreads;
        this.tensors = new DjlTensorInstance(spec, model, pytorchThreads);
    }

    @Override
    public List<Tensor> execute(List<Tensor> inputs) {
        return tensors.execute(inputs);
    }

    @Override
    public DecodeBatch newBatch() {
        return spec.generation().kvCache().staticCache()
                ? new DjlStaticDecodeBatch(spec, model, pytorchThreads)
                : new DjlDecodeBatch(spec, model, pytorchThreads);
    }

    @Override
    public void close() {
        tensors.close();
    }
}
