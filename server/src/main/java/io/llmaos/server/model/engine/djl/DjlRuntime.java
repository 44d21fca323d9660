package io.llmaos.server.model.engine.djl;

import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.InferenceEngine;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares DJL for this process and creates its engines: offline mode (a missing native fails fast
 * instead of downloading), PyTorch thread counts, and the TensorFlow natives extracted into the
 * engine cache. Must run before any engine is touched.
 */
public final class DjlRuntime {
    private static final Logger log = LoggerFactory.getLogger(DjlRuntime.class);

    private DjlRuntime() {}

    /** {@link #engines(int, int)} with as many inter-op as intra-op threads. */
    public static List<InferenceEngine> engines(int pytorchThreads) {
        return engines(pytorchThreads, pytorchThreads);
    }

    /**
     * Configures DJL and returns the three engines (each starts lazily, on its first load).
     *
     * @param pytorchThreads        libtorch's intra-op threads (a PyTorch model's default)
     * @param pytorchInteropThreads libtorch's inter-op threads (process-wide)
     */
    public static List<InferenceEngine> engines(int pytorchThreads, int pytorchInteropThreads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(pytorchThreads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", String.valueOf(pytorchInteropThreads));
        if (System.getProperty("TENSORFLOW_LIBRARY_PATH") == null && System.getenv("TENSORFLOW_LIBRARY_PATH") == null) {
            Path natives = TensorflowNatives.extract(
                    Path.of(ai.djl.util.Utils.getEngineCacheDir().toString()));
            System.setProperty("TENSORFLOW_LIBRARY_PATH", natives.toString());
            log.debug("TensorFlow natives in {}", natives);
        }
        return List.of(
                new DjlEngine(EngineType.PYTORCH, "PyTorch"),
                new DjlEngine(EngineType.TENSORFLOW, "TensorFlow"),
                new DjlEngine(EngineType.ONNXRUNTIME, "OnnxRuntime"));
    }
}
