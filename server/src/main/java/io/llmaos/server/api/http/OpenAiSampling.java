package io.llmaos.server.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmaos.proto.v1.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * The sampling fields of a completion or chat request, checked as the OpenAI API defines them, as
 * {@link SamplingParams}: {@code max_tokens} (chat: also {@code max_completion_tokens}),
 * {@code temperature} (0 to 2; omitted: the model's default), {@code top_p} (0 to 1), {@code seed},
 * {@code stop} (a string or up to 4), {@code n} (choices per prompt, each its own sequence; with a
 * {@code seed}, choice {@code j} samples with {@code seed + j}). What the server cannot do is refused by
 * name, never ignored: a {@code best_of} other than {@code n}, non-zero penalties, {@code logit_bias},
 * {@code suffix}, a {@code response_format} other than text, {@code tools} or {@code functions}.
 *
 * @param sampling     the sampling parameters
 * @param n            the choices to make of each prompt
 * @param stream       whether the answer streams
 * @param includeUsage {@code stream_options.include_usage}
 */
record OpenAiSampling(SamplingParams sampling, int n, boolean stream, boolean includeUsage) {
    /** At most this many stop sequences per request (the OpenAI API's limit). */
    static final int MAX_STOP = 4;

    /** At most this many choices per request (prompts times {@code n}): each is a sequence of its own. */
    static final int MAX_CHOICES = 128;

    /**
     * @param defaultMaxTokens the API's default when the request sets none (null: the model's)
     */
    static OpenAiSampling of(JsonNode b, boolean chat, Integer defaultMaxTokens) {
        int n = 1;
        JsonNode given = b.path("n");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isIntegralNumber() || given.asInt() < 1 || given.asInt() > MAX_CHOICES) {
                throw OpenAiError.invalid("n", "n is a whole number from 1 to " + MAX_CHOICES);
            }
            n = given.asInt();
        }
        JsonNode bestOf = b.path("best_of");
        if (!bestOf.isMissingNode() && !bestOf.isNull() && bestOf.asInt(-1) != n) {
            throw OpenAiError.invalid(
                    "best_of", "best_of must equal n: the server returns every choice it makes, it ranks none");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            if (b.has(penalty) && !b.get(penalty).isNull() && b.get(penalty).asDouble(1) != 0) {
                throw OpenAiError.invalid(penalty, penalty + " is not supported (only 0)");
            }
        }
        if (b.has("logit_bias")
                && !b.get("logit_bias").isNull()
                && !b.get("logit_bias").isEmpty()) {
            throw OpenAiError.invalid("logit_bias", "logit_bias is not supported");
        }
        if (b.has("suffix") && !b.get("suffix").isNull()) {
            throw OpenAiError.invalid("suffix", "suffix is not supported");
        }
        JsonNode format = b.path("response_format");
        if (!format.isMissingNode()
                && !format.isNull()
                && !"text".equals(format.path("type").asText())) {
            throw OpenAiError.invalid(
                    "response_format", "only response_format {\"type\": \"text\"} is supported (no JSON mode)");
        }
        for (String tools : List.of("tools", "functions")) {
            if (b.has(tools) && !b.get(tools).isNull() && !b.get(tools).isEmpty()) {
                throw OpenAiError.invalid(tools, tools + " (function calling) are not supported");
            }
        }
        SamplingParams.Builder s = SamplingParams.newBuilder();
        String maxKey = chat && b.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        JsonNode max = b.path(maxKey);
        if (!max.isMissingNode() && !max.isNull()) {
            if (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 1) {
                throw OpenAiError.invalid(maxKey, maxKey + " is a whole number of tokens, at least 1");
            }
            s.setMaxNewTokens(max.asInt());
        } else if (defaultMaxTokens != null) {
            s.setMaxNewTokens(defaultMaxTokens);
        }
        JsonNode temperature = b.path("temperature");
        if (!temperature.isMissingNode() && !temperature.isNull()) {
            s.setTemperature((float) number(temperature, "temperature", 0, 2));
        }
        JsonNode topP = b.path("top_p");
        if (!topP.isMissingNode() && !topP.isNull()) {
            s.setTopP((float) number(topP, "top_p", 0, 1));
        }
        JsonNode seed = b.path("seed");
        if (!seed.isMissingNode() && !seed.isNull()) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong() || seed.asLong() < 0) {
                throw OpenAiError.invalid("seed", "seed is a whole number, 0 or more");
            }
            s.setSeed(seed.asLong());
        }
        s.addAllStopSequences(stop(b.path("stop")));
        boolean stream = b.path("stream").asBoolean(false);
        JsonNode options = b.path("stream_options");
        if (!options.isMissingNode() && !options.isNull() && !stream) {
            throw OpenAiError.invalid("stream_options", "stream_options is only allowed with stream: true");
        }
        return new OpenAiSampling(
                s.build(), n, stream, options.path("include_usage").asBoolean(false));
    }

    private static double number(JsonNode v, String name, double lo, double hi) {
        if (!v.isNumber() || v.asDouble() < lo || v.asDouble() > hi) {
            throw OpenAiError.invalid(name, name + " is a number from " + lo + " to " + hi);
        }
        return v.asDouble();
    }

    private static List<String> stop(JsonNode stop) {
        List<String> all = new ArrayList<>();
        if (stop.isMissingNode() || stop.isNull()) {
            return all;
        }
        if (stop.isTextual()) {
            all.add(stop.asText());
        } else if (stop.isArray() && stop.size() <= MAX_STOP) {
            for (JsonNode one : stop) {
                if (!one.isTextual()) {
                    throw OpenAiError.invalid("stop", "stop is a string or a list of strings");
                }
                all.add(one.asText());
            }
        } else {
            throw OpenAiError.invalid("stop", "stop is a string or a list of at most " + MAX_STOP + " strings");
        }
        if (all.stream().anyMatch(String::isEmpty)) {
            throw OpenAiError.invalid("stop", "a stop sequence is not empty");
        }
        return all;
    }
}
