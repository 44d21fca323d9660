package io.llmaos.server.model.engine.djl;

import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;

/**
 * libtorch's thread count is per calling thread where it matters most: MKL's GEMM and OpenMP take
 * their team size from the thread that calls them, and a thread that never set it uses every core.
 * Our requests run on gRPC executor and instance worker threads that libtorch never saw, so a batch
 * larger than 1 would fork an OpenMP team whose idle member then spins on the other core (measured:
 * half a core, and 33% fewer requests per second at concurrency 32). Each instance makes sure the
 * thread about to call the engine has its model's count and TorchScript graph-executor optimisation
 * (also per thread in libtorch), set only when the thread last ran with other values.
 *
 * <p>A model picks them in its config's {@code parameters}: {@value #INTRA_OP_THREADS} (default the
 * process's {@code --pytorch-threads}) and {@value #GRAPH_EXECUTOR_OPTIMIZE} ({@code true}, libtorch's
 * default, or {@code false}).
 */
final class PytorchThreads {
    /** The config parameter naming a model's intra-op threads (the key ONNX Runtime's options use too). */
    static final String INTRA_OP_THREADS = "intraOpNumThreads";
    /** The config parameter turning TorchScript's graph-executor optimisation on or off. */
    static final String GRAPH_EXECUTOR_OPTIMIZE = "graphExecutorOptimize";

    /** What the calling thread was last set to: intra-op threads (0 = never set), optimise (-1 = never set). */
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[] {0, -1});

    private final int threads;
    private final int optimize;

    PytorchThreads(int threads, boolean optimize) {
        this.threads = threads;
        this.optimize = optimize ? 1 : 0;
    }

    /** The count DjlRuntime configured for libtorch (1 when unset), or what {@code parameters} ask. */
    static PytorchThreads of(Map<String, String> parameters) {
        String threads = parameters.get(INTRA_OP_THREADS);
        String optimize = parameters.get(GRAPH_EXECUTOR_OPTIMIZE);
        return new PytorchThreads(
                threads != null
                        ? Integer.parseInt(threads.trim())
                        : Integer.getInteger("ai.djl.pytorch.num_threads", 1),
                optimize == null || Boolean.parseBoolean(optimize.trim()));
    }

    /** Applies the model's values to the calling thread where it last ran with others. */
    void onThisThread() {
        int[] current = CURRENT.get();
        if (current[0] != threads) {
            JniUtils.setNumThreads(threads);
            current[0] = threads;
        }
        if (current[1] != optimize) {
            JniUtils.setGraphExecutorOptimize(optimize == 1);
            current[1] = optimize;
        }
    }
}
