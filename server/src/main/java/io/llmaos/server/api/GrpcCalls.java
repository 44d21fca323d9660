package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.Deadline;
import io.llmaos.server.api.interceptor.TenantInterceptor;
import io.llmaos.server.api.mapping.GenerateMapping;
import io.llmaos.server.core.request.Cancellation;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.request.InferenceRequest;
import io.llmaos.server.core.request.RequestTrace;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.core.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the current gRPC call says about a request: its tenant, its deadline, its cancellation. */
final class GrpcCalls {
    private GrpcCalls() {}

    /** A scheduler request for the call of {@code context} (e.g. one message of a stream). */
    static InferenceRequest request(
            Context context,
            Clock clock,
            long received,
            String model,
            long version,
            String requestId,
            List<Tensor> inputs,
            int priority,
            boolean clampPriority,
            Duration timeout,
            RequestTrace trace) {
        long deadlineNanos = deadlineNanos(context, clock);
        return new InferenceRequest(
                model,
                version,
                requestId,
                inputs,
                priority,
                clampPriority,
                timeout,
                TenantInterceptor.of(context),
                deadlineNanos,
                received,
                cancellation(context),
                trace);
    }

    /** A generation request for the current call, traced by {@code ends} as {@code api}. */
    static GenerationRequest generation(
            Clock clock,
            long received,
            io.llmaos.proto.v1.GenerateRequest r,
            int maxPromptBytes,
            RequestEnds ends,
            String api) {
        return generation(
                Context.current(),
                clock,
                received,
                new GenerationRequest(
                        r.getModelName(),
                        r.getModelVersion(),
                        r.getRequestId(),
                        GenerateMapping.promptText(r, maxPromptBytes),
                        GenerateMapping.promptIds(r),
                        GenerateMapping.sampling(r),
                        r.getPriority(),
                        false,
                        duration(r.getTimeout()),
                        "",
                        Long.MAX_VALUE,
                        received,
                        Cancellation.NONE,
                        null),
                ends,
                api);
    }

    /**
     * {@code r} (its tenant, deadline, cancellation and trace left open) for the call of
     * {@code context}, traced by {@code ends} as {@code api}.
     */
    static GenerationRequest generation(
            Context context, Clock clock, long received, GenerationRequest r, RequestEnds ends, String api) {
        RequestTrace trace = ends.on()
                ? ends.trace(api, context, r.model(), r.requestId(), r.priority(), received)
                : RequestTrace.NONE;
        return new GenerationRequest(
                r.model(),
                r.version(),
                r.requestId(),
                r.promptText(),
                r.promptIds(),
                r.sampling(),
                r.priority(),
                r.clampPriority(),
                r.timeout(),
                TenantInterceptor.of(context),
                deadlineNanos(context, clock),
                received,
                cancellation(context),
                trace);
    }

    /** The call's deadline on {@code clock}, {@link Long#MAX_VALUE} for none. */
    private static long deadlineNanos(Context context, Clock clock) {
        Deadline deadline = context.getDeadline();
        return deadline == null
                ? Long.MAX_VALUE
                : clock.nanoTime() + Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /** A request's own timeout (null = none); INVALID_ARGUMENT for a negative or malformed one. */
    static Duration duration(com.google.protobuf.Duration d) {
        return duration(d, "timeout");
    }

    /** A duration field of a request (null = unset); INVALID_ARGUMENT for a negative or malformed one. */
    static Duration duration(com.google.protobuf.Duration d, String field) {
        return io.llmaos.server.api.mapping.Timeouts.of(d, field);
    }

    private static Cancellation cancellation(Context context) {
        return new Cancellation() {
            @Override
            public boolean isCancelled() {
                return context.isCancelled();
            }

            /**
             * Runs {@code action} when the call is cancelled. gRPC runs a listener added to a call
             * already cancelled at once, inside addListener and under the context's monitor; a
             * scheduler's action takes the scheduler's lock, under which workers ask isCancelled
             * (which takes that monitor): so such an action is deferred until addListener returned.
             */
            @Override
            public void onCancel(Runnable action) {
                Thread registrar = Thread.currentThread();
                boolean[] registering = {true};
                Runnable[] deferred = {null};
                context.addListener(c -> action.run(), r -> {
                    if (Thread.currentThread() == registrar && registering[0]) {
                        deferred[0] = r;
                    } else {
                        r.run();
                    }
                });
                registering[0] = false;
                if (deferred[0] != null) {
                    deferred[0].run();
                }
            }
        };
    }
}
