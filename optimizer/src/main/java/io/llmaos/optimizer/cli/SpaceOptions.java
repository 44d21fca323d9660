package io.llmaos.optimizer.cli;

import io.llmaos.optimizer.space.Knob;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The search space's flags: a YAML/JSON file, and one flag per knob (values, or a lo..hi range; one value fixes it). */
final class SpaceOptions {
    @Option(
            names = "--space",
            paramLabel = "FILE",
            description = "A YAML or JSON file of knob: values (e.g. max_batch_size: [8, 32, 64]); flags win over it")
    Path file;

    @Option(names = "--max-batch-size", paramLabel = "N,...", description = "e.g. 1,8,32,64 or 1..64 (doubling)")
    String maxBatchSize;

    @Option(
            names = "--preferred-batch-sizes",
            paramLabel = "S+S;...",
            description = "Values separated by ';', sizes by '+': e.g. 'none;8;8+16'")
    String preferredBatchSizes;

    @Option(names = "--max-queue-delay", paramLabel = "D,...", description = "e.g. 0,500us,2ms")
    String maxQueueDelay;

    @Option(names = "--instances-min", paramLabel = "N,...", description = "Instances kept loaded")
    String instancesMin;

    @Option(names = "--instances-max", paramLabel = "N,...", description = "Instances the pool may grow to, e.g. 1..4")
    String instancesMax;

    @Option(names = "--threads-per-instance", paramLabel = "N,...", description = "Engine threads per instance")
    String threadsPerInstance;

    @Option(
            names = "--intra-op-threads",
            paramLabel = "N,...",
            description = "ONNX Runtime's and PyTorch's intra-op threads (sets threads_per_instance too)")
    String intraOpThreads;

    @Option(
            names = "--onnx-opt-level",
            paramLabel = "L,...",
            description = "ONNX Runtime graph optimisation: NO_OPT, BASIC_OPT, EXTENDED_OPT, ALL_OPT")
    String onnxOptLevel;

    @Option(
            names = "--pytorch-graph-optimizer",
            paramLabel = "B,...",
            description = "TorchScript graph-executor optimisation: true,false")
    String pytorchGraphOptimizer;

    @Option(
            names = "--pytorch-interop-threads",
            paramLabel = "N,...",
            description = "libtorch inter-op threads (a server flag: only with --models, which restarts the server)")
    String pytorchInteropThreads;

    @Option(
            names = "--max-active-sequences",
            paramLabel = "N,...",
            description = "Generation: sequences decoded together")
    String maxActiveSequences;

    @Option(
            names = "--max-cached-tokens",
            paramLabel = "N,...",
            description = "Generation: KV-cache tokens held at most (0 = no limit)")
    String maxCachedTokens;

    /** The text given to each knob's flag. */
    Map<Knob, String> flags() {
        Map<Knob, String> flags = new EnumMap<>(Knob.class);
        put(flags, Knob.MAX_BATCH_SIZE, maxBatchSize);
        put(flags, Knob.PREFERRED_BATCH_SIZES, preferredBatchSizes);
        put(flags, Knob.MAX_QUEUE_DELAY, maxQueueDelay);
        put(flags, Knob.INSTANCES_MIN, instancesMin);
        put(flags, Knob.INSTANCES_MAX, instancesMax);
        put(flags, Knob.THREADS_PER_INSTANCE, threadsPerInstance);
        put(flags, Knob.INTRA_OP_THREADS, intraOpThreads);
        put(flags, Knob.ONNX_OPT_LEVEL, onnxOptLevel);
        put(flags, Knob.PYTORCH_GRAPH_OPTIMIZER, pytorchGraphOptimizer);
        put(flags, Knob.PYTORCH_INTEROP_THREADS, pytorchInteropThreads);
        put(flags, Knob.MAX_ACTIVE_SEQUENCES, maxActiveSequences);
        put(flags, Knob.MAX_CACHED_TOKENS, maxCachedTokens);
        return flags;
    }

    private static void put(Map<Knob, String> flags, Knob knob, String text) {
        if (text != null) {
            flags.put(knob, text);
        }
    }
}
