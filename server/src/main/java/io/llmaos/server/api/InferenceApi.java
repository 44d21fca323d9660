package io.llmaos.server.api;

import io.grpc.Context;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferRequest;
import io.llmaos.proto.v1.InferResponse;
import io.llmaos.proto.v1.InferStreamResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.server.api.mapping.InferMapping;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.request.InferenceResult;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.scheduler.Dispatcher;
import java.util.concurrent.CompletableFuture;

/**
 * {@code llmaos.v1.InferenceService}: {@code Infer} and {@code InferStream} validate each request
 * against its model and hand it to the scheduler; {@code Generate} hands a sequence to the
 * scheduler's continuous batching and streams its tokens.
 */
final class InferenceApi extends InferenceServiceGrpc.InferenceServiceImplBase {
    /** Requests of one InferStream the server works on at once; it reads more as they finish. */
    static final int STREAM_WINDOW = 64;

    private final Dispatcher scheduler;
    private final Clock clock;
    private final TensorSeam seam;
    private final RequestEnds access;
    private final int maxPromptBytes;

    /**
     * @param maxElementBytes the largest BYTES element a request may carry
     * @param maxPromptBytes  the largest prompt text, in UTF-8 bytes
     */
    InferenceApi(Dispatcher scheduler, Clock clock, int maxElementBytes, int maxPromptBytes, RequestEnds access) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.seam = new TensorSeam(scheduler, clock, maxElementBytes, access);
        this.access = access;
        this.maxPromptBytes = maxPromptBytes;
    }

    @Override
    public void infer(InferRequest request, StreamObserver<InferResponse> response) {
        long received = clock.nanoTime();
        Replies.after(
                response,
                () -> submit("infer", Context.current(), request, received),
                result -> InferMapping.response(request, result, clock.nanoTime() - received));
    }

    @Override
    public StreamObserver<InferRequest> inferStream(StreamObserver<InferStreamResponse> responses) {
        ServerCallStreamObserver<InferStreamResponse> call = (ServerCallStreamObserver<InferStreamResponse>) responses;
        call.disableAutoRequest();
        StreamSession<InferRequest, InferStreamResponse> session = new StreamSession<>(
                call,
                Context.current(),
                (context, request, n, out) -> answer(
                                context,
                                request,
                                request.getRequestId().isEmpty() ? "stream-" + n : request.getRequestId())
                        .whenComplete((answer, error) -> {
                            out.send(answer);
                            out.end();
                        }));
        call.request(STREAM_WINDOW);
        return session;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responses) {
        long received = clock.nanoTime();
        ServerCallStreamObserver<GenerateResponse> call = (ServerCallStreamObserver<GenerateResponse>) responses;
        try {
            GenerateSession session = new GenerateSession(call, request.getRequestId(), request.getEchoPromptTokens());
            var generation = GrpcCalls.generation(clock, received, request, maxPromptBytes, access, "generate");
            scheduler.generate(generation, LoggedGeneration.of(session, access, "generate", generation));
        } catch (RuntimeException e) {
            access.refused(
                    "generate", Context.current(), request.getModelName(), request.getRequestId(), received, false, e);
            call.onError(StatusMapper.toStatusException(e));
        }
    }

    /** Submits one request and maps its outcome to one stream answer. */
    private CompletableFuture<InferStreamResponse> answer(Context context, InferRequest request, String requestId) {
        long received = clock.nanoTime();
        CompletableFuture<InferenceResult> result;
        try {
            result = submit("infer_stream", context, request, received);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((r, error) -> {
            InferStreamResponse.Builder b = InferStreamResponse.newBuilder().setRequestId(requestId);
            if (error != null) {
                return b.setError(StatusProto.fromThrowable(StatusMapper.toStatusException(error)))
                        .build();
            }
            try {
                return b.setResponse(InferMapping.response(
                                request.toBuilder().setRequestId(requestId).build(), r, clock.nanoTime() - received))
                        .build();
            } catch (RuntimeException e) {
                return b.setError(StatusProto.fromThrowable(StatusMapper.toStatusException(e)))
                        .build();
            }
        });
    }

    /**
     * The one request seam of Infer and InferStream: resolves the model once, decodes and validates
     * the inputs against that copy's spec, and hands both to the dispatcher.
     */
    private CompletableFuture<InferenceResult> submit(
            String api, Context context, InferRequest request, long received) {
        return seam.submit(
                context,
                received,
                new TensorSeam.Call(
                        api,
                        request.getModelName(),
                        request.getModelVersion(),
                        request.getRequestId(),
                        request.getPriority(),
                        false,
                        GrpcCalls.duration(request.getTimeout())),
                (spec, limits) -> InferMapping.inputs(request, spec, limits),
                (spec, result) -> result);
    }
}
