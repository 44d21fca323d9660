package io.llmaos.server.scheduler;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: greedy at temperature 0, otherwise softmax at the temperature
 * over the top-k tokens, cut to the smallest set whose probability reaches top-p, sampled with the
 * sequence's own seeded generator (the same seed, prompt and parameters give the same tokens).
 */
final class Sampler {
    private final float temperature;
    private final int topK;
    private final float topP;
    private final SplittableRandom random;

    Sampler(float temperature, int topK, float topP, long seed) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The token picked and its log-probability under the distribution it was drawn from. */
    record Pick(long token, float logprob) {}

    Pick pick(float[] logits) {
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return new Pick(best, (float) (logits[best] - logSumExp(logits, 1f)));
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = topK > 0 ? Math.min(topK, order.length) : order.length;
        double max = logits[order[0]] / temperature;
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += p[i];
        }
        if (topP > 0 && topP < 1) {
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= topP) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
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
        return new Pick(order[chosen], (float) Math.log(p[chosen] / sum));
    }

    private static double logSumExp(float[] logits, float temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l / temperature);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l / temperature - max);
        }
        return max + Math.log(sum);
    }
}
