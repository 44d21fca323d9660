package io.llmaos.server.model.engine.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmaos.server.ProtoTensors;
import io.llmaos.server.TestServer;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.repository.ModelRepository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Continuous batching through {@link DecodeBatch} on both KV-cache contracts, with the same weights:
 * the demo gpt-kjv (STATIC: one preallocated cache written in place) and the test model
 * gpt-kjv-dynamic (DYNAMIC: past in, presents out). Sequences join at different steps, with
 * different prompt lengths, and leave as they finish, from the middle of the batch too; every one
 * must decode exactly the greedy tokens the Python reference decoded alone.
 */
class DecodeBatchContractsTest {
    @ParameterizedTest
    @CsvSource({"gpt-kjv, true", "gpt-kjv-dynamic, false"})
    void sequencesJoiningAndLeavingDecodeAsTheyWouldAlone(String name, boolean staticCache) throws Exception {
        Path repository = staticCache ? TestServer.DEMO_MODELS : GptKvCacheTest.TEST_MODELS;
        JsonNode ref = ProtoTensors.json(repository.resolve(name + "/reference.json"));
        ModelRepository repo = new ModelRepository(repository);
        ModelSpec spec = repo.spec(repo.read(name), 1);
        assertEquals(staticCache, spec.generation().kvCache().staticCache());
        long eos = ref.get("config").get("eos").asLong();
        List<JsonNode> greedy = new ArrayList<>();
        ref.get("greedy").forEach(greedy::add);
        // each reference prompt twice, so the batch holds up to 8 sequences of 4 lengths
        int sequences = 2 * greedy.size();
        EngineRegistry engines = new EngineRegistry(DjlRuntime.engines(1));
        try (LoadedModel model = engines.engine(spec.engine()).load(spec);
                GenerativeInstance instance = (GenerativeInstance) model.newInstance();
                DecodeBatch batch = instance.newBatch()) {
            Map<Long, List<Long>> generated = new HashMap<>();
            Map<Long, Integer> limit = new HashMap<>();
            Map<Long, Long> last = new HashMap<>();
            int joined = 0;
            int step = 0;
            while (joined < sequences || batch.size() > 0) {
                // one new sequence every third step; two join together at step 0
                List<Long> newIds = new ArrayList<>();
                List<long[]> prompts = new ArrayList<>();
                while (joined < sequences && (step % 3 == 0 && newIds.size() < (step == 0 ? 2 : 1))) {
                    JsonNode g = greedy.get(joined % greedy.size());
                    long id = 100 + joined;
                    newIds.add(id);
                    prompts.add(GptKvCacheTest.ids(g.get("prompt").asText()));
                    limit.put(id, g.get("max_new_tokens").asInt());
                    generated.put(id, new ArrayList<>());
                    joined++;
                }
                if (!newIds.isEmpty()) {
                    float[][] logits = batch.prefill(
                            newIds.stream().mapToLong(Long::longValue).toArray(), prompts.toArray(new long[0][]));
                    for (int i = 0; i < newIds.size(); i++) {
                        take(newIds.get(i), logits[i], generated, last);
                    }
                }
                finish(batch, generated, limit, last, eos);
                if (batch.size() > 0) {
                    long[] active =
                            last.keySet().stream().mapToLong(Long::longValue).toArray();
                    long[] tokens = new long[active.length];
                    for (int i = 0; i < active.length; i++) {
                        tokens[i] = last.get(active[i]);
                    }
                    float[][] logits = batch.step(active, tokens);
                    for (int i = 0; i < active.length; i++) {
                        take(active[i], logits[i], generated, last);
                    }
                    finish(batch, generated, limit, last, eos);
                }
                step++;
            }
            for (int s = 0; s < sequences; s++) {
                JsonNode g = greedy.get(s % greedy.size());
                List<Long> expected = new ArrayList<>();
                g.get("greedy_token_ids").forEach(v -> expected.add(v.asLong()));
                assertEquals(
                        expected,
                        generated.get(100L + s),
                        name + ": " + g.get("prompt").asText());
            }
            assertTrue(step > 64, "the sequences overlapped for many steps");
        }
    }

    private static void take(long id, float[] logits, Map<Long, List<Long>> generated, Map<Long, Long> last) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        generated.get(id).add((long) best);
        last.put(id, (long) best);
    }

    /** Removes the sequences that reached EOS or their length, as the decode loop does. */
    private static void finish(
            DecodeBatch batch,
            Map<Long, List<Long>> generated,
            Map<Long, Integer> limit,
            Map<Long, Long> last,
            long eos) {
        List<Long> done = new ArrayList<>();
        for (long id : last.keySet()) {
            List<Long> tokens = generated.get(id);
            if (tokens.get(tokens.size() - 1) == eos || tokens.size() >= limit.get(id)) {
                done.add(id);
            }
        }
        if (!done.isEmpty()) {
            done.forEach(last::remove);
            batch.remove(done.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
