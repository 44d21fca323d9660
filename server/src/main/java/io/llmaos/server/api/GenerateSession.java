package io.llmaos.server.api;

import io.grpc.stub.ServerCallStreamObserver;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.server.api.mapping.GenerateMapping;
import io.llmaos.server.api.mapping.StatusMapper;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * The stream of one Generate call. The decode loop never waits for the caller: tokens made while
 * the stream is not ready are kept (at most the sequence's max_new_tokens, so the buffer is bounded)
 * and sent together in the next message the caller can take.
 */
final class GenerateSession extends CallSession<GenerateResponse> implements GenerationListener {
    private final String requestId;
    private final boolean echoPrompt;
    private final List<GeneratedToken> pending = new ArrayList<>();
    private long[] promptIds;
    private long version;
    private FinishReason reason;
    private GenerationUsage usage;
    private boolean done;
    private boolean gone;

    GenerateSession(ServerCallStreamObserver<GenerateResponse> call, String requestId, boolean echoPrompt) {
        super(call);
        this.requestId = requestId;
        this.echoPrompt = echoPrompt;
    }

    @Override
    public synchronized void onStart(long[] prompt, long modelVersion) {
        this.promptIds = echoPrompt ? prompt : null;
        this.version = modelVersion;
    }

    @Override
    public void onTokens(List<GeneratedToken> tokens) {
        synchronized (this) {
            pending.addAll(tokens);
        }
        drain();
    }

    @Override
    public void onFinish(FinishReason finish, GenerationUsage finalUsage) {
        synchronized (this) {
            reason = finish;
            usage = finalUsage;
        }
        drain();
    }

    @Override
    public synchronized void onError(LlmaosException error) {
        if (done || gone) {
            return;
        }
        done = true;
        call.onError(StatusMapper.toStatusException(error));
    }

    @Override
    synchronized void cancelled() {
        gone = true;
    }

    @Override
    void ready() {
        drain();
    }

    /** Sends what is pending while the caller can take it; the last message ends the call. */
    private synchronized void drain() {
        if (done || gone) {
            return;
        }
        boolean last = reason != null;
        if (pending.isEmpty() && !last && promptIds == null) {
            return;
        }
        if (!call.isReady() && !last) {
            return;
        }
        call.onNext(GenerateMapping.response(requestId, version, List.copyOf(pending), reason, usage, promptIds));
        pending.clear();
        promptIds = null;
        if (last) {
            done = true;
            call.onCompleted();
        }
    }
}
