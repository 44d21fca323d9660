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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The engine's own limit: the demo MLP and all-MiniLM-L6-v2 called with DJL in this process, one
 * predictor per thread, with the same per-call work as the server (arrays in, arrays out; for
 * MiniLM, tokenize, run, mean-pool and normalise).
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
        Histogram h = new Histogram(3);
        try (Predictor<NDList, NDList> p = mlp.newPredictor(new NoopTranslator())) {
            float[] row = new float[batch * 16];
            for (int i = 0; i < calls + 2000; i++) {
                long t0 = System.nanoTime();
                mlpCall(p, row, batch);
                if (i >= 2000) {
                    h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                }
            }
        }
        return h;
    }

    /** Rows per second of the MLP at {@code batch} rows per call on {@code threads} threads. */
    double mlpRowsPerSecond(int batch, int threads, Duration duration) throws Exception {
        LongAdder rows = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                // one libtorch thread on this thread too, as the server sets on its threads
                ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
                try (Predictor<NDList, NDList> p = mlp.newPredictor(new NoopTranslator())) {
                    float[] data = new float[batch * 16];
                    while (running.get()) {
                        mlpCall(p, data, batch);
                        rows.add(batch);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            workers.add(w);
        }
        Thread.sleep(500);
        rows.reset();
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        double rate = rows.sum() / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        for (Thread w : workers) {
            w.join();
        }
        return rate;
    }

    /** Latency of embedding one sentence, in microseconds. */
    Histogram minilmLatency(String text, int calls) throws Exception {
        Histogram h = new Histogram(3);
        try (Predictor<NDList, NDList> p = minilm.newPredictor(new NoopTranslator())) {
            for (int i = 0; i < calls + 50; i++) {
                long t0 = System.nanoTime();
                embed(p, text);
                if (i >= 50) {
                    h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                }
            }
        }
        return h;
    }

    private static float[] mlpCall(Predictor<NDList, NDList> p, float[] data, int batch) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            return p.predict(new NDList(m.create(data, new Shape(batch, 16))))
                    .get(0)
                    .toFloatArray();
        }
    }

    private float[] embed(Predictor<NDList, NDList> p, String text) throws Exception {
        Encoding e = tokenizer.encode(text);
        int length = e.getIds().length;
        try (NDManager m = NDManager.newBaseManager("OnnxRuntime")) {
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
