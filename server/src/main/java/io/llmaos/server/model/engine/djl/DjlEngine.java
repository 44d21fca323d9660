package io.llmaos.server.model.engine.djl;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One DJL engine (PyTorch, TensorFlow or OnnxRuntime), started on its first load. */
final class DjlEngine implements InferenceEngine {
    private static final Logger log = LoggerFactory.getLogger(DjlEngine.class);

    private final EngineType type;
    private final String djlName;
    private volatile long startupMillis;

    DjlEngine(EngineType type, String djlName) {
        this.type = type;
        this.djlName = djlName;
    }

    @Override
    public EngineType type() {
        return type;
    }

    @Override
    public long startupMillis() {
        return startupMillis;
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        start();
        Model model = Model.newInstance(spec.ref().toString(), djlName);
        try {
            if (type == EngineType.TENSORFLOW) {
                model.load(spec.modelFile());
            } else {
                model.load(spec.modelFile().getParent(), prefix(spec.modelFile()), options(spec));
            }
            return new DjlLoadedModel(
                    spec, model, type == EngineType.PYTORCH ? PytorchThreads.of(spec.parameters()) : null);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE, "cannot load " + spec.ref() + " with " + type + ": " + rootMessage(e), e);
        }
    }

    @Override
    public synchronized void start() {
        if (startupMillis > 0) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            Engine engine = Engine.getEngine(djlName);
            startupMillis = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
            log.info("{} engine {} started in {} ms", djlName, engine.getVersion(), startupMillis);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new LlmaosException(
                    ErrorCode.ENGINE_FAILURE, "the " + djlName + " engine cannot start: " + rootMessage(e), e);
        }
    }

    private Map<String, Object> options(ModelSpec spec) {
        Map<String, Object> options = new HashMap<>();
        if (type == EngineType.ONNXRUNTIME) {
            options.put("intraOpNumThreads", String.valueOf(spec.threads()));
            options.put("interOpNumThreads", "1");
        }
        options.putAll(spec.parameters());
        return options;
    }

    private static String prefix(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
