package io.llmaos.server.api;

import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.request.GenerationUsage;
import java.util.List;

/** A generation's listener that reports its end ({@link RequestEnds}) when the sequence ends. */
final class LoggedGeneration implements GenerationListener {
    private final GenerationListener delegate;
    private final RequestEnds access;
    private final String api;
    private final GenerationRequest request;
    private volatile long version;
    private volatile boolean started;

    private LoggedGeneration(GenerationListener delegate, RequestEnds access, String api, GenerationRequest request) {
        this.delegate = delegate;
        this.access = access;
        this.api = api;
        this.request = request;
        this.version = request.version();
    }

    /** {@code listener}, logged when the access log is on. */
    static GenerationListener of(
            GenerationListener listener, RequestEnds access, String api, GenerationRequest request) {
        return access.on() ? new LoggedGeneration(listener, access, api, request) : listener;
    }

    @Override
    public void onStart(long[] promptIds, long modelVersion) {
        version = modelVersion;
        started = true;
        delegate.onStart(promptIds, modelVersion);
    }

    @Override
    public void onTokens(List<GeneratedToken> tokens) {
        delegate.onTokens(tokens);
    }

    @Override
    public void onFinish(FinishReason reason, GenerationUsage usage) {
        delegate.onFinish(reason, usage);
        report(usage, null);
    }

    @Override
    public void onError(LlmaosException error) {
        delegate.onError(error);
        report(null, error);
    }

    private void report(GenerationUsage usage, LlmaosException error) {
        access.generation(
                api,
                request.requestId(),
                request.tenant(),
                request.model(),
                version,
                request.receivedNanos(),
                started,
                usage,
                error,
                request.trace());
    }
}
