package io.llmaos.loadtest;

import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * The engine's own limit: the demo MLP and all-MiniLM-L6-v2 called with DJL's Predictor in this
 * process, one predictor per thread, libtorch and ONNX Runtime on one thread as the server's
 * instances: an NDArray made from a float[] in a sub-manager per call and read back (for MiniLM:
 * tokenize, run, mean-pool and normalise, as the server's embedding instance does).
 */
final class InProcessBaseline implements AutoCloseable {
    private final Model mlp;
    private final Model minilm;
    private final HuggingFaceTokenizer tokenizer;

    InProcessBaseline(Path models) throws Exception {
        mlp = Model.newInstance("mlp", "PyTorch");
        mlp.load(models.resolve("mlp-classifier/1"), "model");
        minilm = Model.newInstance("minilm", "OnnxRuntime");
        // one intra-op thread, as the server's instance has (threads_per_instance 1)
        minilm.load(
                models.resolve("all-MiniLM-L6-v2/1"),
                "model",
                java.util.Map.of("intraOpNumThreads", "1", "interOpNumThreads", "1"));
        tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(models.resolve("all-MiniLM-L6-v2/1/tokenizer.json"))
                .optMaxLength(256)
                .optTruncation(true)
                .build();
    }

    /** Latency of one call of {@code batch} rows of the MLP, in microseconds. */
    Histogram mlpLatency(int batch, int calls) throws Exception {
        try (Predictor<NDList, NDList> p = mlp.newPredictor(new NoopTranslator())) {
            float[] row = new float[batch * 16];
            return InProcessLoops.latency(2000, calls, () -> mlpCall(p, row, batch));
        }
    }

    /** Rows per second of the MLP at {@code batch} rows per call on {@code threads} threads. */
    double mlpRowsPerSecond(int batch, int threads, Duration duration) throws Exception {
        return InProcessLoops.rowsPerSecond(threads, duration, () -> {
            // one libtorch thread on this thread too, as the server sets on its threads
            ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
            Predictor<NDList, NDList> p = mlp.newPredictor(new NoopTranslator());
            float[] data = new float[batch * 16];
            return new InProcessLoops.Call() {
                @Override
                public int run() throws Exception {
                    return mlpCall(p, data, batch);
                }

                @Override
                public void close() {
                    p.close();
                }
            };
        });
    }

    /** Latency of embedding one sentence, in microseconds. */
    Histogram minilmLatency(String text, int calls) throws Exception {
        try (Predictor<NDList, NDList> p = minilm.newPredictor(new NoopTranslator())) {
            return InProcessLoops.latency(50, calls, () -> {
                embed(p, text);
                return 1;
            });
        }
    }

    /**
     * One call of the MLP as the engine alone costs it: an NDArray made from a float[] in a
     * sub-manager of the model's, predict, and the output read back as a float[]; returns the rows.
     */
    private int mlpCall(Predictor<NDList, NDList> p, float[] data, int batch) throws Exception {
        try (NDManager m = mlp.getNDManager().newSubManager()) {
            float[] out = p.predict(new NDList(m.create(data, new Shape(batch, 16))))
                    .get(0)
                    .toFloatArray();
            return out.length / 4;
        }
    }

    private float[] embed(Predictor<NDList, NDList> p, String text) throws Exception {
        Encoding e = tokenizer.encode(text);
        int length = e.getIds().length;
        try (NDManager m = minilm.getNDManager().newSubManager()) {
            Shape s = new Shape(1, length);
            NDArray ids = m.create(e.getIds(), s);
            ids.setName("input_ids");
            NDArray mask = m.create(e.getAttentionMask(), s);
            mask.setName("attention_mask");
            NDArray types = m.create(e.getTypeIds(), s);
            types.setName("token_type_ids");
            float[] tokens = p.predict(new NDList(ids, mask, types)).get(0).toFloatArray();
            int dim = tokens.length / length;
            float[] mean = new float[dim];
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                for (int t = 0; t < length; t++) {
                    mean[d] += tokens[t * dim + d];
                }
                mean[d] /= length;
                norm += mean[d] * mean[d];
            }
            for (int d = 0; d < dim; d++) {
                mean[d] /= (float) Math.sqrt(norm);
            }
            return mean;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        mlp.close();
        minilm.close();
    }
}
