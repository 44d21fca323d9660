package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmaos.proto.v1.ChatTemplate;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.ModelKind;
import io.llmaos.proto.v1.SamplingParams;
import io.llmaos.proto.v1.TokenIds;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions} and {@code /v1/chat/completions}: the request as a {@code Generate}
 * call (the prompt as text or token ids, sampling, the priority and deadline of the headers), its
 * messages answered by an {@link OpenAiReply}. A chat's messages become the prompt through the model's
 * chat template ({@link ChatPrompt}), read with {@code GetModel}. Closing the connection cancels the
 * call, and the sequence with it.
 */
final class OpenAiGeneration {
    /** The completions API's default {@code max_tokens} (the OpenAI API reference's). */
    static final int COMPLETIONS_MAX_TOKENS = 16;

    /** The most stop sequences a Generate request takes. */
    private static final int MAX_STOP_SEQUENCES = 16;

    private final GrpcBridge grpc;
    private final java.time.Clock clock;

    OpenAiGeneration(GrpcBridge grpc, java.time.Clock clock) {
        this.grpc = grpc;
        this.clock = clock;
    }

    void completions(OpenAiRoutes.Request r) {
        JsonNode b = r.body();
        String model = r.model();
        OpenAiSampling sampling = OpenAiSampling.of(b, false, COMPLETIONS_MAX_TOKENS);
        GenerateRequest.Builder g = base(r, model, sampling.sampling());
        String promptText = prompt(b.path("prompt"), g);
        JsonNode lp = b.path("logprobs");
        OpenAiReply.Logprobs logprobs = OpenAiReply.Logprobs.NONE;
        if (!lp.isMissingNode() && !lp.isNull()) {
            if (!lp.isIntegralNumber() || lp.asInt() < 0 || lp.asInt() > 1) {
                throw OpenAiError.invalid(
                        "logprobs", "logprobs is 0 or 1: the server reports the sampled token's log-probability only");
            }
            logprobs = lp.asInt() == 0 ? OpenAiReply.Logprobs.SAMPLED : OpenAiReply.Logprobs.SAMPLED_AND_TOP;
        }
        boolean echo = b.path("echo").asBoolean(false);
        if (echo && promptText == null) {
            throw OpenAiError.invalid("echo", "echo needs the prompt as text");
        }
        if (echo && logprobs != OpenAiReply.Logprobs.NONE) {
            throw OpenAiError.invalid("echo", "echo with logprobs is not supported (prompt tokens' log-probabilities)");
        }
        run(
                r,
                g.build(),
                new OpenAiReply(
                        r.x(), false, "cmpl-" + id(), now(), model, sampling, logprobs, echo ? promptText : null));
    }

    void chat(OpenAiRoutes.Request r) {
        JsonNode b = r.body();
        String model = r.model();
        OpenAiSampling sampling = OpenAiSampling.of(b, true, null);
        OpenAiReply.Logprobs logprobs = OpenAiReply.Logprobs.NONE;
        if (b.path("logprobs").asBoolean(false)) {
            int top = b.path("top_logprobs").asInt(0);
            if (top < 0 || top > 1) {
                throw OpenAiError.invalid(
                        "top_logprobs", "top_logprobs is 0 or 1: the server reports the sampled token only");
            }
            logprobs = top == 0 ? OpenAiReply.Logprobs.SAMPLED : OpenAiReply.Logprobs.SAMPLED_AND_TOP;
        }
        JsonNode messages = b.path("messages");
        ChatPrompt.of(messages, null); // the messages are checked before any call
        OpenAiReply.Logprobs chosen = logprobs;
        OpenAiRoutes.withModel(grpc, r, ModelKind.GENERATIVE, "a generative model", m -> {
            ChatTemplate template = m.getConfig().getGeneration().getChatTemplate();
            ChatPrompt prompt = ChatPrompt.of(messages, template);
            GenerateRequest.Builder g = base(r, model, sampling.sampling()).setText(prompt.text());
            SamplingParams.Builder s = g.getSamplingBuilder();
            for (String stop : prompt.stop()) {
                if (s.getStopSequencesCount() < MAX_STOP_SEQUENCES
                        && !s.getStopSequencesList().contains(stop)) {
                    s.addStopSequences(stop);
                }
            }
            run(r, g.build(), new OpenAiReply(r.x(), true, "chatcmpl-" + id(), now(), model, sampling, chosen, null));
        });
    }

    private void run(OpenAiRoutes.Request r, GenerateRequest request, OpenAiReply reply) {
        grpc.stream(
                InferenceServiceGrpc.getGenerateMethod(), request, r.x(), r.deadline(), reply::message, reply::ended);
    }

    private static GenerateRequest.Builder base(OpenAiRoutes.Request r, String model, SamplingParams sampling) {
        return GenerateRequest.newBuilder()
                .setModelName(model)
                .setSampling(sampling)
                .setPriority(r.priority());
    }

    /** Sets {@code g}'s prompt from the completions API's {@code prompt}; its text, or null for token ids. */
    private static String prompt(JsonNode prompt, GenerateRequest.Builder g) {
        JsonNode one = prompt;
        if (prompt.isArray()
                && prompt.size() > 1
                && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            throw OpenAiError.invalid("prompt", "one prompt per request (send each prompt as its own request)");
        }
        if (prompt.isArray()
                && prompt.size() == 1
                && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            one = prompt.get(0); // a list of one prompt
        }
        if (one.isTextual()) {
            g.setText(one.asText());
            return one.asText();
        }
        if (one.isArray() && !one.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            for (JsonNode id : one) {
                if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 0) {
                    throw OpenAiError.invalid(
                            "prompt", "prompt is a text, a list of token ids, or a list of one of them");
                }
                ids.add(id.asLong());
            }
            g.setTokenIds(TokenIds.newBuilder().addAllIds(ids));
            return null;
        }
        throw OpenAiError.invalid("prompt", "prompt is required: a text or a list of token ids");
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static String id() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }
}
