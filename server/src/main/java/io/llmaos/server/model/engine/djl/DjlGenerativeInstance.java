package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import io.llmaos.server.core.Tensor;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.TokenCodec;
import java.util.List;

/** A GENERATIVE model's instance: plain tensor calls (warm-up), decode batches, and its tokenizer. */
final class DjlGenerativeInstance implements GenerativeInstance {
    private final ModelSpec spec;
    private final Model model;
    private final PytorchThreads pytorchThreads;
    private final DjlTensorInstance tensors;
    private final DjlTokenCodec tokenizer;

    DjlGenerativeInstance(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.model = model;
        this.pytorchThreads = pytorchThreads;
        this.tensors = new DjlTensorInstance(spec, model, pytorchThreads);
        this.tokenizer =
                new DjlTokenCodec(spec.generation().tokenizerFile(), spec.ref().toString());
    }

    @Override
    public List<Tensor> execute(List<Tensor> inputs) {
        return tensors.execute(inputs);
    }

    @Override
    public DecodeBatch newBatch() {
        return new DjlDecodeBatch(spec, model, pytorchThreads);
    }

    @Override
    public TokenCodec tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        tensors.close();
        tokenizer.close();
    }
}
