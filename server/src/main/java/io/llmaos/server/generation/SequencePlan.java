package io.llmaos.server.generation;

import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.request.ModelRef;
import io.llmaos.server.core.request.SamplingParams;
import io.llmaos.server.model.engine.GenerationSpec;
import io.llmaos.server.model.engine.TokenCodec;

/**
 * What one sequence of a Generate call will do, checked against its model: the prompt's tokens, how
 * many tokens it may make, whether EOS ends it, its sampler and its text deltas (with the stop
 * sequences). The one validator of a generation request's prompt and sampling parameters.
 */
public record SequencePlan(long[] prompt, int maxNewTokens, boolean ignoreEos, Sampler sampler, TextDeltas text) {
    /** The most alternatives a request may ask for with each token (the OpenAI API's bound). */
    public static final int MAX_TOP_LOGPROBS = 20;

    /** Tokens cached once the sequence is done at the latest: what admission reserves for it. */
    public long reservation() {
        return prompt.length + (long) maxNewTokens;
    }

    /**
     * The plan of {@code request} on model {@code ref}: the text prompt tokenized with the model's
     * {@code tokenizer}, the request's sampling parameters over the model's defaults, and
     * {@code seed} when the request gives none. INVALID_ARGUMENT names the field at fault.
     */
    public static SequencePlan of(
            GenerationRequest request, ModelRef ref, GenerationSpec spec, TokenCodec tokenizer, long seed) {
        long[] prompt = prompt(request, ref, spec, tokenizer);
        SamplingParams s = request.sampling();
        int maxNew = s.maxNewTokens() != null ? s.maxNewTokens() : spec.defaultMaxNewTokens();
        if (maxNew < 1) {
            throw new InvalidInputException("sampling.max_new_tokens", "must be at least 1");
        }
        float temperature = s.temperature() != null ? s.temperature() : spec.defaultTemperature();
        int topK = s.topK() != null ? s.topK() : spec.defaultTopK();
        float topP = s.topP() != null ? s.topP() : spec.defaultTopP();
        if (!(temperature >= 0 && temperature <= Float.MAX_VALUE)) {
            throw new InvalidInputException("sampling.temperature", "must be a finite number, 0 (greedy) or more");
        }
        if (topK < 0) {
            throw new InvalidInputException("sampling.top_k", "must be 0 (no limit) or more");
        }
        if (s.topLogprobs() < 0 || s.topLogprobs() > MAX_TOP_LOGPROBS) {
            throw new InvalidInputException(
                    "sampling.top_logprobs",
                    "must be from 0 to " + MAX_TOP_LOGPROBS + " (the most likely tokens to report)");
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new InvalidInputException("sampling.top_p", "must be within [0, 1]");
        }
        SequencePlan plan = new SequencePlan(
                prompt,
                Math.min(maxNew, spec.maxContext() - prompt.length),
                s.ignoreEos(),
                new Sampler(temperature, topK, topP, s.seed() != null ? s.seed() : seed, s.topLogprobs()),
                new TextDeltas(tokenizer, s.stopSequences()));
        if (plan.reservation() > spec.maxCachedTokens()) {
            throw new InvalidInputException(
                    "sampling.max_new_tokens",
                    "the prompt (" + prompt.length
                            + " tokens) and max_new_tokens need " + plan.reservation() + " cached tokens; " + ref
                            + " caches at most " + spec.maxCachedTokens());
        }
        return plan;
    }

    private static long[] prompt(GenerationRequest request, ModelRef ref, GenerationSpec spec, TokenCodec tokenizer) {
        long[] prompt;
        if (request.promptText() != null) {
            prompt = tokenizer.encode(request.promptText());
            if (prompt.length == 0) {
                throw new InvalidInputException("text", "is empty: give a prompt of at least one token");
            }
        } else {
            prompt = request.promptIds();
            if (prompt.length == 0) {
                throw new InvalidInputException("token_ids", "is empty: give a prompt of at least one token");
            }
            for (int i = 0; i < prompt.length; i++) {
                if (prompt[i] < 0 || prompt[i] >= spec.vocabSize()) {
                    throw new InvalidInputException(
                            "token_ids.ids[" + i + "]",
                            "is " + prompt[i] + ": token ids of " + ref + " are 0.." + (spec.vocabSize() - 1));
                }
            }
        }
        if (prompt.length >= spec.maxContext()) {
            throw new InvalidInputException(
                    request.promptText() != null ? "text" : "token_ids",
                    "is " + prompt.length + " tokens: " + ref + " holds at most " + spec.maxContext()
                            + " tokens, prompt and generated together");
        }
        return prompt;
    }
}
