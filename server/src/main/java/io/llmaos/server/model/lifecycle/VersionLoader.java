package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.codec.TensorCodec;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.EngineRegistry;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.resource.EngineBudget;
import io.llmaos.server.resource.ProcessMemory;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one copy of a version: the engine's model, {@code instances.min} instances, warmup on each,
 * and the measurement of the resident memory it added (the engine itself is started first, so its
 * own start-up memory is not charged to the model; loads running at the same time blur the figure). On any failure everything is freed again.
 */
final class VersionLoader {
    private static final Logger log = LoggerFactory.getLogger(VersionLoader.class);

    private final EngineRegistry engines;
    private final ProcessMemory memory;
    private final Clock clock;

    VersionLoader(EngineRegistry engines, ProcessMemory memory, Clock clock) {
        this.engines = engines;
        this.memory = memory;
        this.clock = clock;
    }

    /**
     * Loads {@code spec}: the engine's model, instances.min warmed instances (their share of
     * {@code budget} already reserved by the caller, and owned by the copy from here on), stopping
     * between steps when {@code ticket} says so. On any failure everything made is freed.
     */
    ServedCopy load(ModelSpec spec, ModelConfig config, long stamp, EngineBudget budget, LoadTicket ticket) {
        InferenceEngine engine = engines.engine(spec.engine());
        engine.start();
        ticket.check(spec.ref().toString());
        long before = memory.rssBytes();
        long start = clock.nanoTime();
        LoadedModel model = engine.load(spec);
        List<ModelInstance> instances = new ArrayList<>();
        List<List<Tensor>> warmup;
        try {
            warmup = WarmupInputs.batches(spec, config, TensorCodec::decode);
            int count = Math.max(1, config.getInstances().getMin());
            for (int i = 0; i < count; i++) {
                instances.add(warmed(model, warmup, ticket));
            }
        } catch (RuntimeException e) {
            instances.forEach(ModelInstance::close);
            model.close();
            if (e instanceof LlmaosException known) {
                boolean stopped = known.code() == ErrorCode.CANCELLED || known.code() == ErrorCode.DEADLINE_EXCEEDED;
                throw stopped
                        ? known
                        : new LlmaosException(
                                known.code(), "warmup of " + spec.ref() + " failed: " + known.getMessage(), e);
            }
            throw new LlmaosException(ErrorCode.ENGINE_FAILURE, "warmup of " + spec.ref() + " failed: " + e, e);
        }
        ServedCopy loaded = new ServedCopy(
                spec, config, model, instances, () -> warmed(model, warmup, LoadTicket.NONE), budget, clock, stamp);
        long millis = (clock.nanoTime() - start) / 1_000_000;
        long grown = Math.max(0, memory.rssBytes() - before);
        loaded.measured(grown, millis);
        log.info(
                "loaded {} ({}, {} instance(s)) in {} ms, +{} MiB resident",
                spec.ref(),
                spec.engine(),
                instances.size(),
                millis,
                grown >> 20);
        return loaded;
    }

    /** A new instance of {@code model} that has run every warmup batch (closed again if one fails or the load stops). */
    private static ModelInstance warmed(LoadedModel model, List<List<Tensor>> warmup, LoadTicket ticket) {
        ticket.check(model.spec().ref().toString());
        ModelInstance instance = model.newInstance();
        try {
            for (List<Tensor> batch : warmup) {
                ticket.check(model.spec().ref().toString());
                instance.execute(batch);
            }
            return instance;
        } catch (RuntimeException e) {
            instance.close();
            throw e;
        }
    }
}
