package io.llmaos.optimizer.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmaos.proto.v1.DynamicBatching;
import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.InstancePolicy;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.proto.v1.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spaces from flags and files, the defaults per kind, and how a point becomes a config. */
class SpaceSpecTest {
    static final ModelConfig MLP = ModelConfig.newBuilder()
            .setKind(ModelKind.CLASSIFIER)
            .setEngine(Engine.PYTORCH)
            .setMaxBatchSize(64)
            .setInstances(InstancePolicy.newBuilder().setMin(1).setMax(2).setThreadsPerInstance(1))
            .build();
    static final ModelConfig GPT = ModelConfig.newBuilder()
            .setKind(ModelKind.GENERATIVE)
            .setEngine(Engine.PYTORCH)
            .build();
    static final ModelConfig MINILM = ModelConfig.newBuilder()
            .setKind(ModelKind.EMBEDDING)
            .setEngine(Engine.ONNXRUNTIME)
            .setMaxBatchSize(32)
            .build();

    @TempDir
    Path dir;

    @Test
    void flagsGiveListsRangesDurationsAndSizes() throws Exception {
        Map<Knob, String> flags = new EnumMap<>(Knob.class);
        flags.put(Knob.MAX_BATCH_SIZE, "1..64");
        flags.put(Knob.MAX_QUEUE_DELAY, "0,500us,2ms");
        flags.put(Knob.PREFERRED_BATCH_SIZES, "none;8;8+16");
        flags.put(Knob.INSTANCES_MAX, "1..3");
        flags.put(Knob.THREADS_PER_INSTANCE, "1..8:x2");
        flags.put(Knob.PYTORCH_GRAPH_OPTIMIZER, "true,false");
        SearchSpace s = SpaceSpec.of(MLP, null, flags);
        Map<Knob, List<Object>> values = new EnumMap<>(Knob.class);
        s.dimensions().forEach(d -> values.put(d.knob(), d.values()));
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L), values.get(Knob.MAX_BATCH_SIZE), "batch sizes double");
        assertEquals(List.of(0L, 500L, 2000L), values.get(Knob.MAX_QUEUE_DELAY));
        assertEquals(List.of(List.of(), List.of(8L), List.of(8L, 16L)), values.get(Knob.PREFERRED_BATCH_SIZES));
        assertEquals(List.of(1L, 2L, 3L), values.get(Knob.INSTANCES_MAX), "counts go one by one");
        assertEquals(List.of(1L, 2L, 4L, 8L), values.get(Knob.THREADS_PER_INSTANCE));
        assertEquals(List.of(true, false), values.get(Knob.PYTORCH_GRAPH_OPTIMIZER));
        assertEquals(7L * 3 * 3 * 3 * 4 * 2, s.size());
        assertTrue(s.all().size() < s.size(), "preferred sizes above the largest batch are left out");
        assertEquals("8+16", Knob.PREFERRED_BATCH_SIZES.format(List.of(8L, 16L)));
        assertEquals("2ms", Knob.MAX_QUEUE_DELAY.format(2000L));
    }

    @Test
    void aYamlOrJsonFileGivesTheSpaceAndFlagsWin() throws Exception {
        Path yaml = dir.resolve("space.yaml");
        Files.writeString(yaml, """
                max_batch_size: [8, 32]
                max_queue_delay: ["0", "1ms"]
                preferred_batch_sizes: [[], [8, 16]]
                instances_max: "1..2"
                """);
        SearchSpace s = SpaceSpec.of(MLP, yaml, Map.of(Knob.MAX_BATCH_SIZE, "64"));
        assertEquals(
                List.of(Knob.MAX_BATCH_SIZE, Knob.PREFERRED_BATCH_SIZES, Knob.MAX_QUEUE_DELAY, Knob.INSTANCES_MAX),
                s.knobs());
        assertEquals(List.of(64L), s.dimensions().get(0).values(), "the flag fixes it");
        assertEquals(List.of(List.of(), List.of(8L, 16L)), s.dimensions().get(1).values());
        assertEquals(List.of(0L, 1000L), s.dimensions().get(2).values());
        assertEquals(List.of(1L, 2L), s.dimensions().get(3).values());
        Path json = dir.resolve("space.json");
        Files.writeString(json, "{\"onnx_opt_level\": [\"basic_opt\", \"ALL_OPT\"], \"intra_op_threads\": [1, 2]}");
        SearchSpace onnx = SpaceSpec.of(MINILM, json, Map.of());
        assertEquals(List.of("BASIC_OPT", "ALL_OPT"), onnx.dimensions().get(1).values());
        Files.writeString(json, "{\"speed\": [1]}");
        assertThrows(IllegalArgumentException.class, () -> SpaceSpec.of(MINILM, json, Map.of()));
    }

    @Test
    void knobsThatMeanNothingForTheModelAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> SpaceSpec.of(MLP, null, Map.of(Knob.ONNX_OPT_LEVEL, "ALL_OPT")));
        assertThrows(IllegalArgumentException.class, () -> SpaceSpec.of(GPT, null, Map.of(Knob.MAX_BATCH_SIZE, "8")));
        assertThrows(
                IllegalArgumentException.class, () -> SpaceSpec.of(MLP, null, Map.of(Knob.MAX_ACTIVE_SEQUENCES, "8")));
        assertThrows(IllegalArgumentException.class, () -> SpaceSpec.parse(Knob.MAX_BATCH_SIZE, "8,-1"));
        assertThrows(IllegalArgumentException.class, () -> SpaceSpec.parse(Knob.ONNX_OPT_LEVEL, "FAST"));
        assertThrows(IllegalArgumentException.class, () -> SpaceSpec.parse(Knob.INSTANCES_MAX, "4..1"));
    }

    @Test
    void eachKindHasADefaultSpace() throws Exception {
        assertEquals(
                List.of(Knob.MAX_BATCH_SIZE, Knob.MAX_QUEUE_DELAY, Knob.INSTANCES_MAX),
                SpaceSpec.of(MLP, null, Map.of()).knobs());
        assertEquals(
                List.of(Knob.PYTORCH_GRAPH_OPTIMIZER, Knob.MAX_ACTIVE_SEQUENCES),
                SpaceSpec.of(GPT, null, Map.of()).knobs());
    }

    @Test
    void aPointBecomesAConfigAndAConfigAPoint() {
        ModelConfig base = MLP.toBuilder()
                .setDynamicBatching(DynamicBatching.newBuilder().addPreferredBatchSizes(4))
                .build();
        Point p = new Point(Map.of(
                Knob.MAX_BATCH_SIZE, 32L,
                Knob.PREFERRED_BATCH_SIZES, List.of(8L, 16L),
                Knob.MAX_QUEUE_DELAY, 1500L,
                Knob.INTRA_OP_THREADS, 2L,
                Knob.PYTORCH_GRAPH_OPTIMIZER, false,
                Knob.PYTORCH_INTEROP_THREADS, 4L));
        ModelConfig c = ConfigPatch.apply(base, p);
        assertEquals(32, c.getMaxBatchSize());
        assertEquals(List.of(8, 16), c.getDynamicBatching().getPreferredBatchSizesList());
        assertEquals(1500, c.getDynamicBatching().getMaxQueueDelayUs());
        assertEquals("2", c.getParametersMap().get("intraOpNumThreads"));
        assertEquals(2, c.getInstances().getThreadsPerInstance(), "the thread budget counts them");
        assertEquals("false", c.getParametersMap().get("graphExecutorOptimize"));
        assertEquals(1, c.getInstances().getMin(), "what the point leaves alone stays");
        assertEquals(List.of("--pytorch-interop-threads", "4"), p.serverFlags());
        Point back = ConfigPatch.current(c, List.copyOf(p.values().keySet()));
        assertEquals(p.values().size() - 1, back.values().size(), "a server knob is not in the config");
        assertEquals(32L, back.get(Knob.MAX_BATCH_SIZE));
        assertEquals(false, back.get(Knob.PYTORCH_GRAPH_OPTIMIZER));
        Point today = ConfigPatch.current(base, List.of(Knob.MAX_BATCH_SIZE, Knob.MAX_QUEUE_DELAY));
        assertEquals(
                List.of("max_batch_size: 64 -> 32", "max_queue_delay: 0 -> 1500us"),
                ConfigPatch.diff(today, new Point(Map.of(Knob.MAX_BATCH_SIZE, 32L, Knob.MAX_QUEUE_DELAY, 1500L))));
    }
}
