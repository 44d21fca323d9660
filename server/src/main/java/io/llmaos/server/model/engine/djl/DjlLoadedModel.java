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
    /** The tokenizer of a GENERATIVE model, shared by its instances; null for other kinds. */
    private final DjlTokenCodec tokenizer;

    /** @param pytorchThreads the per-thread count for PyTorch models; null for other engines */
    DjlLoadedModel(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.model = model;
        this.pytorchThreads = pytorchThreads;
        this.tokenizer = spec.kind() == io.llmaos.server.model.engine.ServingKind.GENERATIVE
                ? new DjlTokenCodec(
                        spec.generation().tokenizerFile(), spec.ref().toString())
                : null;
    }

    @Override
    public io.llmaos.server.model.engine.TokenCodec tokenizer() {
        return tokenizer;
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
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.close();
    }
}
