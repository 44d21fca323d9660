package io.llmaos.server.model.engine.djl;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.llmaos.server.core.error.Echo;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.core.tensor.TensorSpec;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tensors straight to the engine and back, through one DJL Predictor. Inputs are passed in the
 * declared order under their engine names; undeclared inputs (such as a generative model's
 * {@code past[]} list) follow in the order given.
 */
final class DjlTensorInstance implements ModelInstance {
    private final ModelSpec spec;
    private final Model model;
    private final Predictor<NDList, NDList> predictor;
    private final PytorchThreads pytorchThreads;
    /** The input names the engine's own signature requires (empty when it does not say). */
    private final List<String> signature;

    /** @param pytorchThreads set on each calling thread for PyTorch models; null for other engines */
    DjlTensorInstance(ModelSpec spec, Model model, PytorchThreads pytorchThreads) {
        this.spec = spec;
        this.model = model;
        this.pytorchThreads = pytorchThreads;
        this.predictor = model.newPredictor(new NoopTranslator());
        this.signature =
                spec.engine() == io.llmaos.server.model.engine.EngineType.TENSORFLOW ? signature(model) : List.of();
    }

    /** TensorFlow's signature inputs (PyTorch's are unknown before a first call; ONNX Runtime checks names itself). */
    private static List<String> signature(Model model) {
        try {
            ai.djl.util.PairList<String, ai.djl.ndarray.types.Shape> described = model.describeInput();
            return described == null ? List.of() : List.copyOf(described.keys());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * The inputs must be exactly those the engine's signature names: TensorFlow passes a null tensor
     * for a signature input it cannot find by name, and crashes the process on it.
     */
    private void requireSignature(List<Map.Entry<String, Tensor>> inputs) {
        if (signature.isEmpty()) {
            return;
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        inputs.forEach(e -> given.add(e.getKey()));
        if (given.size() != inputs.size() || !given.equals(new java.util.HashSet<>(signature))) {
            throw new InvalidInputException(
                    "inputs",
                    "model " + spec.ref() + " takes the inputs " + Echo.list(signature) + " (its signature), got "
                            + Echo.list(given));
        }
    }

    @Override
    public List<Tensor> execute(List<Tensor> inputs) {
        if (pytorchThreads != null) {
            pytorchThreads.onThisThread();
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList list = new NDList(inputs.size());
            List<Map.Entry<String, Tensor>> named = ordered(inputs);
            requireSignature(named);
            for (Map.Entry<String, Tensor> input : named) {
                NDArray array = NdConversions.toNd(manager, input.getValue());
                array.setName(input.getKey());
                list.add(array);
            }
            NDList outputs = predictor.predict(list);
            return NdConversions.fromNd(outputs, spec.outputs());
        } catch (TranslateException | RuntimeException e) {
            if (e instanceof LlmaosException known) {
                throw known;
            }
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE, spec.ref() + " failed to run: " + DjlEngine.rootMessage(e), e);
        }
    }

    /** (engine name, tensor) pairs: declared inputs in declared order, then the rest as given. */
    private List<Map.Entry<String, Tensor>> ordered(List<Tensor> inputs) {
        List<Tensor> rest = new ArrayList<>(inputs);
        List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(inputs.size());
        for (TensorSpec declared : spec.inputs()) {
            for (int i = 0; i < rest.size(); i++) {
                if (rest.get(i).name().equals(declared.name())) {
                    ordered.add(Map.entry(declared.engineName(), rest.remove(i)));
                    break;
                }
            }
        }
        rest.forEach(t -> ordered.add(Map.entry(t.name(), t)));
        return ordered;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
