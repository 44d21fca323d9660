package io.llmaos.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.djl.DjlRuntime;
import io.llmaos.server.model.repository.ModelRepository;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * The raw decode step of a GENERATIVE model through the server's own {@link DecodeBatch} (our
 * adapter and its KV-cache contract, no scheduler, no gRPC), in this process on one engine thread:
 * {@code batch} sequences prefilled to {@code context - STEPS} tokens, then {@link #STEPS} steps of
 * all of them; the median step in microseconds.
 *
 * <p>Run alone on any repository: {@code loadtest/bin/decode-steps [repository] [model]}.
 */
final class DecodeSteps implements AutoCloseable {
    static final int[] BATCHES = {1, 16, 32};
    static final int[] CONTEXTS = {32, 256, 512};
    private static final int STEPS = 16;

    private final LoadedModel model;
    private final GenerativeInstance instance;

    DecodeSteps(Path repository, String name) {
        ModelRepository repo = new ModelRepository(repository);
        ModelSpec spec = repo.spec(repo.read(name), 1);
        InferenceEngine engine = DjlRuntime.engines(1).stream()
                .filter(e -> e.type() == spec.engine())
                .findFirst()
                .orElseThrow();
        model = engine.load(spec);
        instance = (GenerativeInstance) model.newInstance();
    }

    /** Median microseconds of one step of {@code batch} sequences about {@code context} tokens long. */
    double stepMicros(int batch, int context, int runs) {
        double[] medians = new double[runs];
        Random random = new Random(42);
        for (int run = 0; run < runs; run++) {
            try (DecodeBatch b = instance.newBatch()) {
                long[] ids = new long[batch];
                long[][] prompts = new long[batch][context - STEPS];
                for (int i = 0; i < batch; i++) {
                    ids[i] = i;
                    for (int t = 0; t < prompts[i].length; t++) {
                        prompts[i][t] = 32 + random.nextInt(90);
                    }
                }
                b.prefill(ids, prompts);
                long[] last = new long[batch];
                Arrays.fill(last, 'a');
                long[] steps = new long[STEPS];
                for (int s = 0; s < STEPS; s++) {
                    long t0 = System.nanoTime();
                    b.step(ids, last);
                    steps[s] = System.nanoTime() - t0;
                }
                Arrays.sort(steps);
                medians[run] = steps[STEPS / 2] / 1000.0;
            }
        }
        Arrays.sort(medians);
        return medians[runs / 2];
    }

    /** The table of step times: batch x context. */
    ObjectNode table(ObjectMapper json, int runs) {
        ObjectNode table = json.createObjectNode();
        stepMicros(4, 64, 3); // warm the JIT and the engine
        for (int batch : BATCHES) {
            ObjectNode row = table.putObject("batch_" + batch);
            for (int context : CONTEXTS) {
                row.put("context_" + context + "_us", InferenceBenchmark.round(stepMicros(batch, context, runs)));
            }
        }
        return table;
    }

    @Override
    public void close() {
        instance.close();
        model.close();
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "decode-steps");
        report.put("model", args[1]);
        try (DecodeSteps steps = new DecodeSteps(Path.of(args[0]), args[1])) {
            report.set("step_us", steps.table(json, 5));
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }
}
