package io.llmaos.loadtest;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo models loaded and run with DJL directly, in this process: the engine's own cost, which
 * the served figures are compared with. "Ready" means loaded, a predictor made, and one warmup
 * forward run, as the server does before it reports READY.
 */
final class InProcessModels {
    private InProcessModels() {}

    /** Starts an engine and returns how long it took, in milliseconds. */
    static double startEngine(String engine) {
        long t0 = System.nanoTime();
        Engine.getEngine(engine);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Loads {@code model} (a demo model folder) until ready and closes it; milliseconds taken. */
    static double loadReadyClose(Path modelDir, String engine, String kind) throws Exception {
        Path version = modelDir.resolve("1");
        long t0 = System.nanoTime();
        try (Model model = Model.newInstance(modelDir.getFileName().toString(), engine)) {
            if (engine.equals("TensorFlow")) {
                model.load(version);
            } else {
                model.load(version, "model");
            }
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager m = model.getNDManager().newSubManager()) {
                predictor.predict(warmup(m, version, kind));
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static NDList warmup(NDManager m, Path version, String kind) throws Exception {
        switch (kind) {
            case "mlp":
                return new NDList(m.create(new float[16], new Shape(1, 16)));
            case "tf":
                NDArray x = m.create(new float[4], new Shape(1, 4));
                x.setName("x");
                return new NDList(x);
            case "embedding":
                try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                        .optTokenizerPath(version.resolve("tokenizer.json"))
                        .build()) {
                    Encoding e = tokenizer.encode("warmup");
                    Shape s = new Shape(1, e.getIds().length);
                    return new NDList(
                            m.create(e.getIds(), s), m.create(e.getAttentionMask(), s), m.create(e.getTypeIds(), s));
                }
            default:
                // one token on the STATIC cache contract: a cache of one slot one position long, offset 0
                NDArray cache = m.zeros(new Shape(4, 1, 4, 1, 32));
                cache.setName("cache");
                return new NDList(
                        m.create(new long[] {0}, new Shape(1, 1)),
                        m.create(new long[] {0}, new Shape(1, 1)),
                        m.create(new long[] {1}, new Shape(1, 1)),
                        cache,
                        m.create(new long[] {0}, new Shape(1)));
        }
    }

    /** Whether {@code dir} holds a loadable demo model (MiniLM is unpacked at build time). */
    static boolean present(Path dir) {
        try (var files = Files.list(dir.resolve("1"))) {
            return files.findAny().isPresent();
        } catch (Exception e) {
            return false;
        }
    }
}
