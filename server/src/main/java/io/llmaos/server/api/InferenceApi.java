package io.llmaos.server.api;

import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.server.api.mapping.InferMapping;
import io.llmaos.server.core.Clock;
import io.llmaos.server.core.InferenceResult;
import io.llmaos.server.core.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.scheduler.InferenceRunner;
import java.util.List;

/**
 * {@code llmaos.v1.InferenceService}. {@code Infer} validates the request against the model,
 * runs it and maps the result back; {@code InferStream} and {@code Generate} answer UNIMPLEMENTED
 * until the scheduling and generation layers provide them.
 */
final class InferenceApi extends InferenceServiceGrpc.InferenceServiceImplBase {
    private final InferenceRunner runner;
    private final Clock clock;

    InferenceApi(InferenceRunner runner, Clock clock) {
        this.runner = runner;
        this.clock = clock;
    }

    @Override
    public void infer(InferRequest request, StreamObserver<InferResponse> response) {
        long received = clock.nanoTime();
        Replies.answer(response, () -> {
            ModelSpec spec = runner.spec(request.getModelName(), request.getModelVersion());
            List<Tensor> inputs = InferMapping.inputs(request, spec, spec.maxInputElements());
            InferenceResult result = runner.run(spec.ref(), inputs, CallBudget.of(request.getTimeout()));
            return InferMapping.response(request, result, clock.nanoTime() - received);
        });
    }
}
