package io.llmaos.server.model.engine;

import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Wraps the instance of a CLASSIFIER model: the first output holds the class scores
 * ([batch, classes] or [classes]); this optionally replaces them with their softmax and adds the
 * BYTES output {@link ClassifierSpec#LABELS_OUTPUT} with the best labels of each row, best first.
 */
public final class ClassifierInstance implements ModelInstance {
    private final ModelInstance delegate;
    private final ClassifierSpec spec;

    public ClassifierInstance(ModelInstance delegate, ClassifierSpec spec) {
        this.delegate = delegate;
        this.spec = spec;
    }

    @Override
    public List<Tensor> execute(List<Tensor> inputs) {
        List<Tensor> outputs = new ArrayList<>(delegate.execute(inputs));
        Tensor scores = outputs.get(0);
        if (scores.type() != DataType.FP32) {
            return outputs;
        }
        long[] shape = scores.shape();
        int classes = (int) shape[shape.length - 1];
        float[] values = scores.toFloats();
        int rows = classes == 0 ? 0 : values.length / classes;
        if (spec.softmax()) {
            for (int r = 0; r < rows; r++) {
                softmax(values, r * classes, classes);
            }
            outputs.set(0, Tensor.ofFloats(scores.name(), shape, values));
        }
        int k = Math.min(spec.topK(), classes);
        List<byte[]> labels = new ArrayList<>(rows * k);
        for (int r = 0; r < rows; r++) {
            int offset = r * classes;
            if (k == 1) {
                // the usual case, per row of every request: the first best score, without sorting
                // (NaN ranks last, as in the sort below; ties go to the lower index)
                int best = -1;
                for (int c = 0; c < classes; c++) {
                    float v = values[offset + c];
                    if (!Float.isNaN(v) && (best < 0 || Float.compare(v, values[offset + best]) > 0)) {
                        best = c;
                    }
                }
                labels.add(label(Math.max(best, 0)).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            IntStream.range(0, classes)
                    .boxed()
                    .sorted(Comparator.comparingDouble(c -> -values[offset + c]))
                    .limit(k)
                    .forEach(c -> labels.add(label(c).getBytes(StandardCharsets.UTF_8)));
        }
        long[] labelShape = shape.length > 1 ? new long[] {rows, k} : new long[] {k};
        outputs.add(Tensor.ofStrings(ClassifierSpec.LABELS_OUTPUT, labelShape, labels));
        return outputs;
    }

    private String label(int index) {
        return index < spec.labels().size() ? spec.labels().get(index) : String.valueOf(index);
    }

    private static void softmax(float[] v, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(v[offset + i] - max);
            v[offset + i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < n; i++) {
            v[offset + i] = (float) (v[offset + i] / sum);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
