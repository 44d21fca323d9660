package io.llmaos.server.generation;

import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy at temperature 0, otherwise softmax at the temperature
 * over the top-k tokens, cut to the smallest set whose probability reaches top-p, sampled with the
 * sequence's own seeded generator (the same seed, prompt and parameters give the same tokens). The
 * vocabulary is never sorted: top-k is a bounded heap, top-p draws from a heap only as many tokens
 * as the nucleus holds, and with neither the whole vocabulary is sampled in index order; all on
 * primitive arrays. When asked, a pick also names the most likely tokens of the distribution it was
 * drawn from, best first, with their log-probabilities (the picked token's among them when it is one).
 */
public final class Sampler {
    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;
    private final int alternatives;

    /** @param alternatives how many of the most likely tokens each pick reports (0: none) */
    public Sampler(float temperature, int topK, float topP, long seed, int alternatives) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
        this.alternatives = alternatives;
    }

    public Sampler(float temperature, int topK, float topP, long seed) {
        this(temperature, topK, topP, seed, 0);
    }

    /**
     * The token picked and its log-probability under the distribution it was drawn from; and the most
     * likely tokens of that distribution ({@code topTokens}, best first) with theirs ({@code
     * topLogprobs}), as many as asked for and the distribution holds.
     */
    public record Pick(long token, float logprob, int[] topTokens, float[] topLogprobs) {
        private static final int[] NONE = new int[0];
        private static final float[] NO_LOGPROBS = new float[0];

        Pick(long token, float logprob) {
            this(token, logprob, NONE, NO_LOGPROBS);
        }
    }

    public Pick pick(float[] logits) {
        if (temperature <= 0) {
            int best = TopTokens.argmax(logits);
            double lse = logSumExp(logits);
            return withTops(new Pick(best, (float) (logits[best] - lse)), logits, 1, lse);
        }
        int v = logits.length;
        boolean nucleus = topP > 0 && topP < 1;
        int k = topK > 0 ? Math.min(topK, v) : v;
        if (k == v && !nucleus) {
            return sampleAll(logits);
        }
        int[] order = k < v ? TopTokens.largest(logits, k) : TopTokens.nucleus(logits, temperature, topP);
        double max = logits[order[0]] / temperature;
        double[] p = new double[order.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += p[i];
        }
        int keep = p.length;
        if (nucleus && k < v) {
            // top-p within the top-k, renormalised
            double cumulative = 0;
            for (int i = 0; i < p.length; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= topP) {
                    keep = i + 1;
                    break;
                }
            }
            sum = 0;
            for (int i = 0; i < keep; i++) {
                sum += p[i];
            }
        }
        double r = random.nextDouble() * sum;
        int chosen = keep - 1;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r <= 0) {
                chosen = i;
                break;
            }
        }
        if (alternatives <= 0) {
            return new Pick(order[chosen], (float) Math.log(p[chosen] / sum));
        }
        int n = Math.min(alternatives, keep); // best first: the order the heaps give
        int[] tops = java.util.Arrays.copyOf(order, n);
        float[] topLogprobs = new float[n];
        for (int i = 0; i < n; i++) {
            topLogprobs[i] = (float) Math.log(p[i] / sum);
        }
        return new Pick(order[chosen], (float) Math.log(p[chosen] / sum), tops, topLogprobs);
    }

    /**
     * {@code pick} with the {@code alternatives} most likely tokens, their log-probabilities being
     * {@code logits / scale - logSumExp} (the whole vocabulary's distribution at that temperature).
     */
    private Pick withTops(Pick pick, float[] logits, double scale, double logSumExp) {
        if (alternatives <= 0) {
            return pick;
        }
        int[] tops = TopTokens.largest(logits, Math.min(alternatives, logits.length));
        float[] topLogprobs = new float[tops.length];
        for (int i = 0; i < tops.length; i++) {
            topLogprobs[i] = (float) (logits[tops[i]] / scale - logSumExp);
        }
        return new Pick(pick.token(), pick.logprob(), tops, topLogprobs);
    }

    /** Samples the whole vocabulary at the temperature, in index order. */
    private Pick sampleAll(float[] logits) {
        double max = logits[TopTokens.argmax(logits)] / temperature;
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l / temperature - max);
        }
        double r = random.nextDouble() * sum;
        int chosen = logits.length - 1;
        for (int i = 0; i < logits.length; i++) {
            r -= Math.exp(logits[i] / temperature - max);
            if (r <= 0) {
                chosen = i;
                break;
            }
        }
        double lse = max + Math.log(sum);
        return withTops(new Pick(chosen, (float) (logits[chosen] / temperature - lse)), logits, temperature, lse);
    }

    private static double logSumExp(float[] logits) {
        double max = logits[TopTokens.argmax(logits)];
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }
}
