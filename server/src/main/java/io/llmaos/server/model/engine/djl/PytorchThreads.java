package io.llmaos.server.model.engine.djl;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's thread count is per calling thread where it matters most: MKL's GEMM and OpenMP take
 * their team size from the thread that calls them, and a thread that never set it uses every core.
 * Our requests run on gRPC executor and instance worker threads that libtorch never saw, so a batch
 * larger than 1 would fork an OpenMP team whose idle member then spins on the other core (measured:
 * half a core, and 33% fewer requests per second at concurrency 32). Each instance makes sure the
 * thread about to call the engine has the configured count, once per thread.
 */
final class PytorchThreads {
    private final int threads;
    private final ThreadLocal<Boolean> applied = ThreadLocal.withInitial(() -> false);

    PytorchThreads(int threads) {
        this.threads = threads;
    }

    /** The count DjlRuntime configured for libtorch (1 when unset). */
    static PytorchThreads configured() {
        return new PytorchThreads(Integer.getInteger("ai.djl.pytorch.num_threads", 1));
    }

    /** Applies the count to the calling thread the first time it calls. */
    void onThisThread() {
        if (!applied.get()) {
            JniUtils.setNumThreads(threads);
            applied.set(true);
        }
    }
}
