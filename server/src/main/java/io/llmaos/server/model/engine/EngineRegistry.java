package io.llmaos.server.model.engine;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The engines available in this server, by type. */
public final class EngineRegistry {
    private final Map<EngineType, InferenceEngine> engines = new EnumMap<>(EngineType.class);

    public EngineRegistry(List<InferenceEngine> available) {
        available.forEach(e -> engines.put(e.type(), e));
    }

    /** The engine of {@code type}, or FAILED_PRECONDITION when this server has none. */
    public InferenceEngine engine(EngineType type) {
        InferenceEngine engine = engines.get(type);
        if (engine == null) {
            throw new LlmaosException(ErrorCode.FAILED_PRECONDITION, "this server has no " + type + " engine");
        }
        return engine;
    }
}
