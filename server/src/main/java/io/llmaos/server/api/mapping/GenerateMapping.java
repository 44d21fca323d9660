package io.llmaos.server.api.mapping;

import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.TokenChunk;
import io.llmaos.proto.v1.Usage;
import io.llmaos.server.core.request.FinishReason;
import io.llmaos.server.core.request.GeneratedToken;
import io.llmaos.server.core.request.GenerationUsage;
import io.llmaos.server.core.request.SamplingParams;
import java.util.List;

/** Generate's messages to and from the core records. */
public final class GenerateMapping {
    private GenerateMapping() {}

    /** The most stop sequences a request may give. */
    static final int MAX_STOP_SEQUENCES = 16;
    /** The most UTF-8 bytes of one stop sequence. */
    static final int MAX_STOP_BYTES = 1024;

    /**
     * The prompt as text, or null when it is given as token ids; INVALID_ARGUMENT when it is longer
     * than {@code maxBytes} (checked on the wire bytes, before the text is decoded or tokenized).
     */
    public static String promptText(GenerateRequest r, int maxBytes) {
        if (r.getPromptCase() != GenerateRequest.PromptCase.TEXT) {
            return null;
        }
        int size = r.getTextBytes().size();
        if (size > maxBytes) {
            throw new io.llmaos.server.core.error.InvalidInputException(
                    "text",
                    "is " + size + " bytes; the server takes prompts of at most " + maxBytes
                            + " bytes (--max-prompt-bytes)");
        }
        return r.getText();
    }

    /** The prompt as token ids, or null when it is given as text; INVALID_ARGUMENT when neither. */
    public static long[] promptIds(GenerateRequest r) {
        return switch (r.getPromptCase()) {
            case TOKEN_IDS ->
                r.getTokenIds().getIdsList().stream().mapToLong(Long::longValue).toArray();
            case TEXT -> null;
            default ->
                throw new io.llmaos.server.core.error.InvalidInputException(
                        "prompt", "is required: set text or token_ids");
        };
    }

    /** The sampling parameters as given (the scheduler fills in the model's defaults and checks ranges). */
    public static SamplingParams sampling(GenerateRequest r) {
        var s = r.getSampling();
        if (s.getStopSequencesCount() > MAX_STOP_SEQUENCES) {
            throw new io.llmaos.server.core.error.InvalidInputException(
                    "sampling.stop_sequences",
                    "has " + s.getStopSequencesCount() + " entries; at most " + MAX_STOP_SEQUENCES + " are taken");
        }
        for (int i = 0; i < s.getStopSequencesCount(); i++) {
            if (s.getStopSequencesBytes(i).size() > MAX_STOP_BYTES) {
                throw new io.llmaos.server.core.error.InvalidInputException(
                        "sampling.stop_sequences[" + i + "]", "is longer than " + MAX_STOP_BYTES + " bytes");
            }
        }
        return new SamplingParams(
                s.hasMaxNewTokens() ? (int) Math.min(Integer.MAX_VALUE, s.getMaxNewTokens() & 0xffffffffL) : null,
                s.hasTemperature() ? s.getTemperature() : null,
                s.hasTopK() ? (int) Math.min(Integer.MAX_VALUE, s.getTopK() & 0xffffffffL) : null,
                s.hasTopP() ? s.getTopP() : null,
                s.hasSeed() ? s.getSeed() : null,
                s.getStopSequencesList(),
                s.getIgnoreEos(),
                (int) Math.min(Integer.MAX_VALUE, s.getTopLogprobs() & 0xffffffffL));
    }

    /** One message of tokens (and, when {@code reason} is set, the last one). */
    public static GenerateResponse response(
            String requestId,
            long version,
            List<GeneratedToken> tokens,
            FinishReason reason,
            GenerationUsage usage,
            long[] promptIds) {
        GenerateResponse.Builder b =
                GenerateResponse.newBuilder().setRequestId(requestId).setModelVersion(version);
        for (GeneratedToken t : tokens) {
            TokenChunk.Builder chunk = TokenChunk.newBuilder()
                    .setTokenId(t.tokenId())
                    .setText(t.text())
                    .setIndex(t.index())
                    .setLogprob(t.logprob());
            for (GeneratedToken.Alternative a : t.top()) {
                chunk.addTopLogprobs(io.llmaos.proto.v1.TopLogprob.newBuilder()
                        .setTokenId(a.tokenId())
                        .setText(a.text())
                        .setLogprob(a.logprob()));
            }
            b.addTokens(chunk);
        }
        if (promptIds != null) {
            for (long id : promptIds) {
                b.addPromptTokenIds(id);
            }
        }
        if (reason != null) {
            b.setFinishReason(io.llmaos.proto.v1.FinishReason.valueOf(reason.name()));
            b.setUsage(Usage.newBuilder()
                    .setPromptTokens(usage.promptTokens())
                    .setGeneratedTokens(usage.generatedTokens())
                    .setTimeToFirstToken(duration(usage.firstTokenNanos()))
                    .setTotalTime(duration(usage.totalNanos()))
                    .setQueueTime(duration(usage.queueNanos())));
        }
        return b.build();
    }

    private static com.google.protobuf.Duration duration(long nanos) {
        return com.google.protobuf.Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L))
                .build();
    }
}
