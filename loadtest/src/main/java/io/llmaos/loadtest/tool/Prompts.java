package io.llmaos.loadtest.tool;

import io.grpc.Channel;
import io.llmaos.proto.v1.GenerateRequest;
import io.llmaos.proto.v1.GenerateResponse;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SamplingParams;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Synthetic prompts of a given length in the model's own tokens: the server's tokenizer is asked (a
 * one-token Generate reports how many tokens its prompt made), and the words of the synthetic prompts
 * scaled until they make about that many.
 */
public final class Prompts {
    private Prompts() {}

    /** {@code count} synthetic prompts of about {@code tokens} tokens of {@code model}. */
    public static List<String> ofTokens(Channel channel, String model, int tokens, int count) {
        if (tokens < 1) {
            throw new IllegalArgumentException("a prompt needs at least one token");
        }
        int words = Math.max(1, tokens / 4);
        for (int attempt = 0; attempt < 4; attempt++) {
            int made = tokensOf(
                    channel, model, Workload.Generation.synthetic(1, words, 7).get(0));
            if (Math.abs(made - tokens) <= Math.max(1, tokens / 20)) {
                break;
            }
            words = Math.max(1, (int) Math.round((double) words * tokens / Math.max(1, made)));
        }
        return Workload.Generation.synthetic(count, words, 7);
    }

    /** How many tokens {@code prompt} makes on {@code model} (the server's usage says). */
    public static int tokensOf(Channel channel, String model, String prompt) {
        Iterator<GenerateResponse> it = InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .generate(GenerateRequest.newBuilder()
                        .setModelName(model)
                        .setText(prompt)
                        .setSampling(SamplingParams.newBuilder().setMaxNewTokens(1))
                        .build());
        int tokens = 0;
        while (it.hasNext()) {
            GenerateResponse r = it.next();
            if (r.hasUsage()) {
                tokens = r.getUsage().getPromptTokens();
            }
        }
        return tokens;
    }
}
