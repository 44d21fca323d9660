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

    DjlLoadedModel(ModelSpec spec, Model model) {
        this.spec = spec;
        this.model = model;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public ModelInstance newInstance() {
        return switch (spec.kind()) {
            case EMBEDDING -> new DjlEmbeddingInstance(spec, model);
            case CLASSIFIER -> new ClassifierInstance(new DjlTensorInstance(spec, model), spec.classifier());
            case TENSOR, GENERATIVE -> new DjlTensorInstance(spec, model);
        };
    }

    @Override
    public void close() {
        model.close();
    }
}
