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
 * {@code POST /v1/completions} and {@code /v1/chat/completions}: each choice of the request (each
 * prompt times {@code n}) as a {@code Generate} call (the prompt as text or token ids, sampling, the
 * priority and deadline of the headers), their messages answered together by an {@link OpenAiReply}. A chat's messages become the prompt through the model's
 * chat template ({@link ChatPrompt}), read with {@code GetModel}. Closing the connection cancels the
 * call, and the sequence with it.
 */
final class OpenAiGeneration {
    /** The completions API's default {@code max_tokens} (the OpenAI API reference's). */
    static final int COMPLETIONS_MAX_TOKENS = 16;

    /** The completions API's bound on {@code logprobs} (the most likely tokens reported per token). */
    static final int COMPLETIONS_MAX_LOGPROBS = 5;

    /** The chat API's bound on {@code top_logprobs}. */
    static final int CHAT_MAX_TOP_LOGPROBS = 20;

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
        List<JsonNode> prompts = prompts(b.path("prompt"));
        if (prompts.size() * sampling.n() > OpenAiSampling.MAX_CHOICES) {
            throw OpenAiError.invalid(
                    "n", "at most " + OpenAiSampling.MAX_CHOICES + " choices per request (prompts times n)");
        }
        int given = wholeNumber(b, "logprobs", COMPLETIONS_MAX_LOGPROBS);
        int top = Math.max(0, given);
        OpenAiReply.Logprobs logprobs = logprobs(given >= 0, top);
        boolean echo = b.path("echo").asBoolean(false);
        if (echo && prompts.stream().anyMatch(p -> !p.isTextual())) {
            throw OpenAiError.invalid("echo", "echo needs the prompt as text");
        }
        if (echo && logprobs != OpenAiReply.Logprobs.NONE) {
            throw OpenAiError.invalid("echo", "echo with logprobs is not supported (prompt tokens' log-probabilities)");
        }
        OpenAiReply reply = new OpenAiReply(r.x(), false, "cmpl-" + id(), now(), model, sampling, logprobs);
        List<GenerateRequest> requests = new ArrayList<>();
        for (JsonNode prompt : prompts) {
            GenerateRequest.Builder g = base(r, model, sampling.sampling());
            g.getSamplingBuilder().setTopLogprobs(top);
            prompt(prompt, g);
            for (int j = 0; j < sampling.n(); j++) {
                reply.choice(echo ? prompt.asText() : null, j == 0);
                requests.add(choice(g, j));
            }
        }
        run(r, requests, reply);
    }

    void chat(OpenAiRoutes.Request r) {
        JsonNode b = r.body();
        String model = r.model();
        OpenAiSampling sampling = OpenAiSampling.of(b, true, null);
        int top = Math.max(0, wholeNumber(b, "top_logprobs", CHAT_MAX_TOP_LOGPROBS));
        boolean on = b.path("logprobs").asBoolean(false);
        if (top > 0 && !on) {
            throw OpenAiError.invalid("top_logprobs", "top_logprobs needs logprobs: true");
        }
        OpenAiReply.Logprobs logprobs = logprobs(on, top);
        JsonNode messages = b.path("messages");
        ChatPrompt.of(messages, null); // the messages are checked before any call
        OpenAiReply.Logprobs chosen = logprobs;
        OpenAiRoutes.withModel(grpc, r, ModelKind.GENERATIVE, "a generative model", m -> {
            ChatTemplate template = m.getConfig().getGeneration().getChatTemplate();
            ChatPrompt prompt = ChatPrompt.of(messages, template);
            GenerateRequest.Builder g = base(r, model, sampling.sampling()).setText(prompt.text());
            g.getSamplingBuilder().setTopLogprobs(top);
            SamplingParams.Builder s = g.getSamplingBuilder();
            for (String stop : prompt.stop()) {
                if (s.getStopSequencesCount() < MAX_STOP_SEQUENCES
                        && !s.getStopSequencesList().contains(stop)) {
                    s.addStopSequences(stop);
                }
            }
            OpenAiReply reply = new OpenAiReply(r.x(), true, "chatcmpl-" + id(), now(), model, sampling, chosen);
            List<GenerateRequest> requests = new ArrayList<>();
            for (int j = 0; j < sampling.n(); j++) {
                reply.choice(null, j == 0);
                requests.add(choice(g, j));
            }
            run(r, requests, reply);
        });
    }

    /** Member {@code name} of {@code b}: a whole number from 0 to {@code max}, or -1 when absent or null. */
    private static int wholeNumber(JsonNode b, String name, int max) {
        JsonNode v = b.path(name);
        if (v.isMissingNode() || v.isNull()) {
            return -1;
        }
        if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() > max) {
            throw OpenAiError.invalid(name, name + " is a whole number from 0 to " + max);
        }
        return v.asInt();
    }

    /** What is reported of log-probabilities: nothing, the sampled token's, or also the {@code top} most likely. */
    private static OpenAiReply.Logprobs logprobs(boolean on, int top) {
        if (!on) {
            return OpenAiReply.Logprobs.NONE;
        }
        return top > 0 ? OpenAiReply.Logprobs.TOP : OpenAiReply.Logprobs.SAMPLED;
    }

    /** Choice {@code j} of a prompt: the request as it is, its seed (if any) plus {@code j}, so choices differ. */
    private static GenerateRequest choice(GenerateRequest.Builder g, int j) {
        if (j == 0 || !g.getSampling().hasSeed()) {
            return g.build();
        }
        GenerateRequest.Builder other = g.clone();
        other.getSamplingBuilder().setSeed(g.getSampling().getSeed() + j);
        return other.build();
    }

    /** Starts each choice's Generate call, the i-th feeding choice i; none after one has failed. */
    private void run(OpenAiRoutes.Request r, List<GenerateRequest> requests, OpenAiReply reply) {
        for (int i = 0; i < requests.size() && !reply.over(); i++) {
            int index = i;
            reply.track(grpc.stream(
                    InferenceServiceGrpc.getGenerateMethod(),
                    requests.get(i),
                    r.x(),
                    r.deadline(),
                    m -> reply.message(index, m),
                    failure -> reply.ended(index, failure)));
        }
    }

    private static GenerateRequest.Builder base(OpenAiRoutes.Request r, String model, SamplingParams sampling) {
        return GenerateRequest.newBuilder()
                .setModelName(model)
                .setSampling(sampling)
                .setPriority(r.priority());
    }

    /**
     * The completions API's {@code prompt} as a list of prompts: a text, a list of token ids, or a list
     * of either (one choice per prompt, times {@code n}).
     */
    private static List<JsonNode> prompts(JsonNode prompt) {
        List<JsonNode> all = new ArrayList<>();
        if (prompt.isArray()
                && !prompt.isEmpty()
                && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            prompt.forEach(all::add); // a list of prompts
        } else {
            all.add(prompt);
        }
        if (all.size() > OpenAiSampling.MAX_CHOICES) {
            throw OpenAiError.invalid("prompt", "at most " + OpenAiSampling.MAX_CHOICES + " prompts per request");
        }
        return all;
    }

    /** Sets {@code g}'s prompt from one prompt of the completions API: a text or a list of token ids. */
    private static void prompt(JsonNode one, GenerateRequest.Builder g) {
        if (one.isTextual()) {
            g.setText(one.asText());
            return;
        }
        if (one.isArray() && !one.isEmpty()) {
            List<Long> ids = new ArrayList<>();
            for (JsonNode id : one) {
                if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() < 0) {
                    throw OpenAiError.invalid("prompt", "prompt is a text, a list of token ids, or a list of either");
                }
                ids.add(id.asLong());
            }
            g.setTokenIds(TokenIds.newBuilder().addAllIds(ids));
            return;
        }
        throw OpenAiError.invalid("prompt", "prompt is required: a text or a list of token ids, or a list of either");
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static String id() {
        return java.util.UUID.randomUUID().toString().replace("-", "");
    }
}
