package io.llmaos.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Writes the demo SavedModel {@code tf-dense}: y = relu(x W + b), x FP32[B,4] -> y FP32[B,3], with
 * fixed weights, signature {@code serving_default}; then reloads it with TF-Java and writes the
 * reference outputs.
 *
 * <p>Run from the repository root: {@code mvn -q -f tools/demo-models/tf-exporter compile exec:java
 * -Dexec.args="models/tf-dense"}.
 */
public final class TfExport {
    private TfExport() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args.length > 0 ? args[0] : "models/tf-dense");
        Path version = model.resolve("1");
        deleteRecursively(version);
        System.out.println("TensorFlow " + TensorFlow.version());
        float[][] w = new float[4][3];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                w[i][j] = (i - j) * 0.5f;
            }
        }
        float[] b = {0.1f, -0.2f, 0.3f};
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
            Variable<TFloat32> wv = tf.withName("W").variable(tf.constant(w));
            Variable<TFloat32> bv = tf.withName("b").variable(tf.constant(b));
            var y = tf.withName("y").nn.relu(tf.math.add(tf.linalg.matMul(x, wv), bv));
            try (Session s = new Session(g)) {
                s.initialize();
                Signature sig = Signature.builder().key("serving_default").input("x", x).output("y", y).build();
                SavedModelBundle.exporter(version.toString()).withFunction(SessionFunction.create(sig, s)).export();
            }
        }
        float[][] inputs = {{1, 2, 3, 4}, {-1, 0, 1, 0}, {0.5f, -0.5f, 2, -2}};
        try (SavedModelBundle m = SavedModelBundle.load(version.toString(), "serve");
             TFloat32 in = TFloat32.tensorOf(StdArrays.ndCopyOf(inputs));
             Result r = m.function("serving_default").call(Map.of("x", in))) {
            float[][] out = StdArrays.array2dCopyOf((TFloat32) r.get("y").orElseThrow());
            String json = "{\n \"tensorflow_version\": \"" + TensorFlow.version() + "\",\n"
                    + " \"inputs\": {\"x\": " + Arrays.deepToString(inputs) + "},\n"
                    + " \"outputs\": {\"y\": " + Arrays.deepToString(out) + "},\n"
                    + " \"tolerance\": 1e-5\n}\n";
            Files.writeString(model.resolve("reference.json"), json);
            System.out.println("wrote " + version + " and reference.json: y = " + Arrays.deepToString(out));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
