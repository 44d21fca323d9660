package io.llmaos.server.api;

import io.grpc.Context;
import io.llmaos.server.codec.InputLimits;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.request.RequestTrace;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.scheduler.Dispatcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The one request seam of every tensor API (Infer, InferStream, ModelInfer, ModelStreamInfer):
 * resolves the model once, decodes and validates the inputs against that copy's spec, hands both to
 * the dispatcher, and maps the result with the same spec.
 */
final class TensorSeam {
    /**
     * What a tensor request says besides its inputs.
     *
     * @param api           the API's name in the access log
     * @param version       0 = the version policy's choice
     * @param clampPriority Triton's rule: a level the model lacks runs at its default level
     * @param timeout       the request's own queue timeout (null = none)
     */
    record Call(
            String api,
            String model,
            long version,
            String requestId,
            int priority,
            boolean clampPriority,
            Duration timeout) {}

    private final Dispatcher scheduler;
    private final Clock clock;
    private final int maxElementBytes;
    private final RequestEnds access;

    TensorSeam(Dispatcher scheduler, Clock clock, int maxElementBytes, RequestEnds access) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.maxElementBytes = maxElementBytes;
        this.access = access;
    }

    /** Submits {@code call} with the inputs {@code decode} makes, answering with what {@code answer} maps. */
    <T> CompletableFuture<T> submit(
            Context context,
            long received,
            Call call,
            BiFunction<ModelSpec, InputLimits, List<Tensor>> decode,
            BiFunction<ModelSpec, InferenceResult, T> answer) {
        ModelSpec[] resolved = new ModelSpec[1];
        RequestTrace trace = access.on()
                ? access.trace(call.api(), context, call.model(), call.requestId(), call.priority(), received)
                : RequestTrace.NONE;
        CompletableFuture<InferenceResult> result;
        try {
            result = scheduler.onTensorModel(call.model(), call.version(), copy -> {
                ModelSpec spec = copy.spec();
                resolved[0] = spec;
                List<Tensor> inputs = decode.apply(spec, InputLimits.of(spec, maxElementBytes));
                return scheduler.submit(
                        copy,
                        GrpcCalls.request(
                                context,
                                clock,
                                received,
                                call.model(),
                                spec.ref().version(),
                                call.requestId(),
                                inputs,
                                call.priority(),
                                call.clampPriority(),
                                call.timeout(),
                                trace));
            });
        } catch (RuntimeException e) {
            if (!access.on()) {
                throw e;
            }
            result = CompletableFuture.failedFuture(e);
        }
        if (access.on()) {
            String tenant = io.llmaos.server.api.interceptor.TenantInterceptor.of(context);
            result.whenComplete((r, e) -> access.tensor(
                    call.api(),
                    call.requestId(),
                    tenant,
                    call.model(),
                    call.version(),
                    received,
                    resolved[0] != null,
                    r,
                    RequestEnds.cause(e),
                    trace));
        }
        // the future completes after the copy was resolved and its spec noted
        return result.thenApply(r -> answer.apply(resolved[0], r));
    }
}
