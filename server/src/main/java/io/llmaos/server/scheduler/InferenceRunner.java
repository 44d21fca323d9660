package io.llmaos.server.scheduler;

import io.llmaos.server.core.Clock;
import io.llmaos.server.core.ErrorCode;
import io.llmaos.server.core.InferenceResult;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.core.ModelRef;
import io.llmaos.server.core.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.ServingKind;
import io.llmaos.server.model.lifecycle.LoadedVersion;
import io.llmaos.server.model.lifecycle.ModelManager;
import java.time.Duration;
import java.util.List;

/**
 * The direct inference path: resolve a READY version, borrow one of its instances (waiting up to
 * the request's time budget), run the request as one batch, and report the time spent waiting and
 * computing.
 */
public final class InferenceRunner {
    private final ModelManager models;
    private final Clock clock;

    public InferenceRunner(ModelManager models, Clock clock) {
        this.models = models;
        this.clock = clock;
    }

    /**
     * What the version serving {@code name} at {@code version} (0 = the highest READY one) expects,
     * so a request can be validated before it is decoded. GENERATIVE models are served by Generate.
     */
    public ModelSpec spec(String name, long version) {
        if (name.isEmpty()) {
            throw new io.llmaos.server.core.InvalidInputException("model_name", "is required");
        }
        ModelSpec spec = models.resolve(name, version).spec();
        if (spec.kind() == ServingKind.GENERATIVE) {
            throw new LlmaosException(ErrorCode.FAILED_PRECONDITION, "model '" + name
                    + "' is GENERATIVE: use InferenceService.Generate");
        }
        return spec;
    }

    /** Runs {@code inputs} on {@code ref}, waiting at most {@code budget} for a free instance. */
    public InferenceResult run(ModelRef ref, List<Tensor> inputs, Duration budget) {
        long start = clock.nanoTime();
        try (LoadedVersion.Lease lease = models.acquire(ref.name(), ref.version(), budget)) {
            long acquired = clock.nanoTime();
            List<Tensor> outputs = lease.execute(inputs);
            long done = clock.nanoTime();
            return new InferenceResult(lease.version().spec().ref(), outputs, acquired - start, done - acquired,
                    batchSize(lease.version().spec(), inputs));
        }
    }

    private static int batchSize(ModelSpec spec, List<Tensor> inputs) {
        if (!spec.batched() || inputs.isEmpty() || inputs.get(0).shape().length == 0) {
            return 1;
        }
        return (int) inputs.get(0).shape()[0];
    }
}
