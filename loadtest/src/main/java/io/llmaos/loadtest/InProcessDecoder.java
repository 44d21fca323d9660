package io.llmaos.loadtest;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The demo GPT's raw decode step called in-process with DJL (batch 1, the cache kept in engine
 * memory between steps, greedy argmax in Java): the floor a served token is compared with.
 */
final class InProcessDecoder implements AutoCloseable {
    private static final int LAYERS = 2;
    private static final int HEADS = 4;
    private static final int HEAD_DIM = 32;
    private final Model model;

    InProcessDecoder(Path modelFile) throws Exception {
        model = Model.newInstance("gpt", "PyTorch");
        model.load(modelFile.getParent(), "model");
    }

    /**
     * Median microseconds per decode step over {@code runs} generations of {@code tokens} tokens,
     * {@code batch} copies of the prompt decoded together.
     */
    double stepMicros(String prompt, int tokens, int runs, int batch) throws Exception {
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
        double[] medians = new double[runs];
        try (Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator())) {
            for (int run = 0; run < runs; run++) {
                medians[run] = oneRun(p, prompt.getBytes(StandardCharsets.UTF_8), tokens, batch);
            }
        }
        Arrays.sort(medians);
        return medians[runs / 2];
    }

    private static double oneRun(Predictor<NDList, NDList> p, byte[] prompt, int tokens, int batch) throws Exception {
        long[] steps = new long[tokens];
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            long[] ids = new long[batch * prompt.length];
            long[] pos = new long[batch * prompt.length];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < prompt.length; i++) {
                    ids[b * prompt.length + i] = prompt[i] & 0xff;
                    pos[b * prompt.length + i] = i;
                }
            }
            NDList past = new NDList();
            for (int i = 0; i < 2 * LAYERS; i++) {
                past.add(m.zeros(new Shape(batch, HEADS, 0, HEAD_DIM), DataType.FLOAT32));
            }
            int length = 0;
            long[] input = ids;
            long[] positions = pos;
            for (int t = 0; t < tokens; t++) {
                long t0 = System.nanoTime();
                try (NDManager step = m.newSubManager()) {
                    int t1 = input.length / batch;
                    long[] fullMask = new long[batch * (length + t1)];
                    Arrays.fill(fullMask, 1);
                    NDList in = new NDList(
                            named(step.create(input, new Shape(batch, t1)), "input_ids"),
                            named(step.create(positions, new Shape(batch, t1)), "position_ids"),
                            named(step.create(fullMask, new Shape(batch, length + t1)), "attention_mask"));
                    for (NDArray a : past) {
                        a.setName("past[]");
                        in.add(a);
                    }
                    NDList out = p.predict(in);
                    long[] nextIds = new long[batch];
                    for (int b = 0; b < batch; b++) {
                        float[] logits = out.get(0).get(b, t1 - 1).toFloatArray();
                        int best = 0;
                        for (int v = 1; v < logits.length; v++) {
                            if (logits[v] > logits[best]) {
                                best = v;
                            }
                        }
                        nextIds[b] = best;
                    }
                    NDList next = new NDList();
                    for (int i = 0; i < 2 * LAYERS; i++) {
                        NDArray present = out.get(2 + i);
                        present.attach(m);
                        next.add(present);
                    }
                    past.forEach(NDArray::close);
                    past = next;
                    length += t1;
                    input = nextIds;
                    positions = new long[batch];
                    Arrays.fill(positions, length);
                }
                steps[t] = System.nanoTime() - t0;
            }
        }
        // the first step is the prefill: the decode steps are the rest
        long[] decode = Arrays.copyOfRange(steps, 1, steps.length);
        Arrays.sort(decode);
        return decode[decode.length / 2] / 1000.0;
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }

    @Override
    public void close() {
        model.close();
    }
}
