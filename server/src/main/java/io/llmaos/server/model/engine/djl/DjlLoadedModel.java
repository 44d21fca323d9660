package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import io.llmaos.server.model.engine.ClassifierInstance;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;

/** A DJL {@link Model} and the instances made from it. */
final class DjlLoadedModel implements LoadedModel {
    private final ModelSpec spec;
    private final Model model;
    private final PytorchThreads pytorchThreads;

    /** @param pytorchThreads the per-thread count for PyTorch models; null for other engines */
    DjlLoadedModel(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.model = model;
        this.pytorchThreads = pytorchThreads;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public ModelInstance newInstance() {
        return switch (spec.kind()) {
            case EMBEDDING -> new DjlEmbeddingInstance(spec, model);
            case CLASSIFIER ->
                new ClassifierInstance(new DjlTensorInstance(spec, model, pytorchThreads), spec.classifier());
            case GENERATIVE -> new DjlGenerativeInstance(spec, model, pytorchThreads);
            case TENSOR -> new DjlTensorInstance(spec, model, pytorchThreads);
        };
    }

    @Override
    public void close() {
        model.close();
    }
}
