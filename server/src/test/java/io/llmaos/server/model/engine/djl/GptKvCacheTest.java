package io.llmaos.server.model.engine.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.repository.ModelRepository;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo language model's weights on the DYNAMIC KV-cache contract (the test model
 * {@code gpt-kjv-dynamic}) through the engine SPI's plain tensor calls: prefill logits and greedy
 * decoding with the cache passed back as {@code past[]} equal the reference made in Python.
 */
class GptKvCacheTest {
    static final java.nio.file.Path TEST_MODELS = java.nio.file.Path.of("src", "test", "resources", "models");

    @Test
    void prefillAndGreedyDecodingMatchTheReference() throws Exception {
        JsonNode ref = ProtoTensors.json(TEST_MODELS.resolve("gpt-kjv-dynamic/reference.json"));
        JsonNode cfg = ref.get("config");
        ModelRepository repo = new ModelRepository(TEST_MODELS);
        ModelSpec spec = repo.spec(repo.read("gpt-kjv-dynamic"), 1);
        EngineRegistry engines = new EngineRegistry(DjlRuntime.engines(1));
        try (LoadedModel model = engines.engine(spec.engine()).load(spec);
                ModelInstance instance = model.newInstance()) {
            int layers = cfg.get("layers").asInt();
            int heads = cfg.get("heads").asInt();
            int headDim = cfg.get("head_dim").asInt();

            long[] prompt = ids(ref.get("prefill").get("prompt").asText());
            List<Tensor> out = instance.execute(step(prompt, 0, emptyPast(layers, heads, headDim)));
            float[] logits = out.get(0).toFloats();
            int vocab = cfg.get("vocab").asInt();
            List<Float> last8 = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                last8.add(logits[(prompt.length - 1) * vocab + i]);
            }
            List<Float> expected = new ArrayList<>();
            ref.get("prefill").get("last_logits_first8").forEach(v -> expected.add((float) v.asDouble()));
            ProtoTensors.assertClose(
                    expected, last8, ref.get("prefill").get("tolerance").asDouble());

            for (JsonNode greedy : ref.get("greedy")) {
                List<Long> expectedIds = new ArrayList<>();
                greedy.get("greedy_token_ids").forEach(v -> expectedIds.add(v.asLong()));
                assertEquals(
                        expectedIds,
                        decode(
                                instance,
                                ids(greedy.get("prompt").asText()),
                                greedy.get("max_new_tokens").asInt(),
                                layers,
                                heads,
                                headDim,
                                vocab,
                                cfg.get("eos").asLong()),
                        greedy.get("prompt").asText());
            }
        }
    }

    private static List<Long> decode(
            ModelInstance instance,
            long[] prompt,
            int maxNew,
            int layers,
            int heads,
            int headDim,
            int vocab,
            long eos) {
        List<Long> generated = new ArrayList<>();
        List<Tensor> past = emptyPast(layers, heads, headDim);
        long[] input = prompt;
        int position = 0;
        for (int n = 0; n < maxNew; n++) {
            List<Tensor> out = instance.execute(step(input, position, past));
            position += input.length;
            float[] logits = out.get(0).toFloats();
            int base = (input.length - 1) * vocab;
            int best = 0;
            for (int v = 1; v < vocab; v++) {
                if (logits[base + v] > logits[base + best]) {
                    best = v;
                }
            }
            generated.add((long) best);
            if (best == eos) {
                break;
            }
            past = new ArrayList<>();
            for (Tensor present : out.subList(2, 2 + 2 * layers)) {
                past.add(present.withName("past[]"));
            }
            input = new long[] {best};
        }
        return generated;
    }

    private static List<Tensor> step(long[] ids, int position, List<Tensor> past) {
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = position + i;
        }
        long[] mask = new long[position + ids.length];
        java.util.Arrays.fill(mask, 1);
        List<Tensor> inputs = new ArrayList<>(List.of(
                Tensor.ofLongs("input_ids", new long[] {1, ids.length}, ids),
                Tensor.ofLongs("position_ids", new long[] {1, ids.length}, positions),
                Tensor.ofLongs("attention_mask", new long[] {1, mask.length}, mask)));
        inputs.addAll(past);
        return inputs;
    }

    private static List<Tensor> emptyPast(int layers, int heads, int headDim) {
        List<Tensor> past = new ArrayList<>();
        for (int i = 0; i < 2 * layers; i++) {
            past.add(Tensor.ofFloats("past[]", new long[] {1, heads, 0, headDim}, new float[0]));
        }
        return past;
    }

    /** The byte-level token ids of {@code text}. */
    static long[] ids(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }
}
