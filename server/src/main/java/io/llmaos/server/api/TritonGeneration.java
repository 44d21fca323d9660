package io.llmaos.server.api;

import io.llmaos.proto.oip.ModelInferResponse;
import io.llmaos.server.api.mapping.TritonLlm;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationUsage;
import java.util.List;

/**
 * One generation asked in Triton's LLM convention (ModelInfer, ModelStreamInfer): streamed, one
 * response per text delta and the last flagged {@value TritonLlm#FINAL_RESPONSE}; else the whole text
 * in one response. Called from the decode loop: it never blocks (the sink buffers).
 */
final class TritonGeneration implements GenerationListener {
    /** Where the responses go: any number of {@link #send}, then one {@link #end} or one {@link #fail}. */
    interface Sink {
        void send(ModelInferResponse response);

        void end();

        void fail(Throwable error);
    }

    private final String model;
    private final String id;
    private final boolean stream;
    private final boolean flagged;
    private final Sink sink;
    private final StringBuilder text = new StringBuilder();
    private long version;

    /**
     * @param stream  one response per delta (else one with the whole text)
     * @param flagged whether responses carry {@value TritonLlm#FINAL_RESPONSE} (on a stream)
     */
    TritonGeneration(String model, String id, boolean stream, boolean flagged, Sink sink) {
        this.model = model;
        this.id = id;
        this.stream = stream;
        this.flagged = flagged;
        this.sink = sink;
    }

    @Override
    public synchronized void onStart(long[] promptIds, long modelVersion) {
        version = modelVersion;
    }

    @Override
    public synchronized void onTokens(List<GeneratedToken> tokens) {
        for (GeneratedToken t : tokens) {
            text.append(t.text());
        }
        if (stream && !text.isEmpty()) {
            sink.send(TritonLlm.response(model, version, id, text.toString(), flagged ? false : null, -1));
            text.setLength(0);
        }
    }

    @Override
    public synchronized void onFinish(FinishReason reason, GenerationUsage usage) {
        // the last response: the rest of the text (possibly none), flagged final on a stream
        sink.send(TritonLlm.response(
                model,
                version,
                id,
                text.toString(),
                flagged ? true : null,
                usage.queueNanos(),
                usage.promptTokens(),
                usage.generatedTokens()));
        text.setLength(0);
        sink.end();
    }

    @Override
    public void onError(LlmaosException error) {
        sink.fail(error);
    }
}
