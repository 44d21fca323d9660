package io.llmaos.loadtest.tool;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a load test runs: one step per load level (a concurrency of a closed loop, or a rate of an open
 * loop), each warmed up, then measured in windows until {@code stableWindows} in a row agree within
 * {@code stability} on throughput and p99 (or {@code maxWindows} were measured), as perf_analyzer does.
 *
 * @param model         the model
 * @param version       its version (0 = the server's choice)
 * @param api           how requests are sent
 * @param load          the steps
 * @param inputs        what tensor requests carry (ignored for generation)
 * @param priorities    the priority each request asks, drawn by weight (empty: none asked)
 * @param tenants       the tenant each request is tagged with, drawn by weight (empty: the connection's)
 * @param generation    what generation requests ask (null for tensor APIs)
 * @param warmup        how long each step runs before it is measured
 * @param window        one measurement window
 * @param stability     how far (a share, e.g. 0.1) windows may differ and still agree
 * @param stableWindows how many windows in a row must agree
 * @param maxWindows    the most windows of one step
 */
public record Workload(
        String model,
        long version,
        Api api,
        Load load,
        Inputs inputs,
        List<Weighted<Integer>> priorities,
        List<Weighted<String>> tenants,
        Generation generation,
        Duration warmup,
        Duration window,
        double stability,
        int stableWindows,
        int maxWindows) {
    public Workload {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(load, "load");
        priorities = List.copyOf(priorities);
        tenants = List.copyOf(tenants);
        if (api == Api.GENERATE && generation == null) {
            throw new IllegalArgumentException("a generation workload needs its generation settings");
        }
        if (stableWindows < 1 || maxWindows < stableWindows) {
            throw new IllegalArgumentException("max windows must be at least the stable windows");
        }
    }

    /** How requests are sent. */
    public enum Api {
        /** llmaos.v1 Infer */
        LLMAOS,
        /** OIP ModelInfer */
        OIP,
        /** llmaos.v1 InferStream (requests over long-lived streams, answered by id) */
        STREAM,
        /** llmaos.v1 Generate (streamed tokens) */
        GENERATE
    }

    /** The steps of a test. */
    public sealed interface Load permits Closed, Open {
        /** How many steps. */
        int steps();

        /** The level of step {@code i} (a concurrency or a rate). */
        double level(int i);

        /** What a level counts: "concurrency" or "rate". */
        String unit();
    }

    /** Closed loop: {@code concurrency} callers, each sending its next request when one is answered. */
    public record Closed(List<Integer> concurrency) implements Load {
        public Closed {
            concurrency = List.copyOf(concurrency);
            if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
                throw new IllegalArgumentException("concurrency levels must be at least 1");
            }
        }

        @Override
        public int steps() {
            return concurrency.size();
        }

        @Override
        public double level(int i) {
            return concurrency.get(i);
        }

        @Override
        public String unit() {
            return "concurrency";
        }
    }

    /**
     * Open loop: requests sent at {@code rates} per second whatever the answers (constant gaps or a
     * Poisson process), latency measured from each request's intended send time; at most
     * {@code maxInFlight} outstanding (a request past it waits, its latency still counted from when it
     * should have been sent).
     */
    public record Open(List<Double> rates, Arrival arrival, int maxInFlight) implements Load {
        public Open {
            rates = List.copyOf(rates);
            if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0))) {
                throw new IllegalArgumentException("rates must be above 0");
            }
            Objects.requireNonNull(arrival, "arrival");
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("max in flight must be at least 1");
            }
        }

        @Override
        public int steps() {
            return rates.size();
        }

        @Override
        public double level(int i) {
            return rates.get(i);
        }

        @Override
        public String unit() {
            return "rate";
        }
    }

    /** When open-loop requests are sent. */
    public enum Arrival {
        CONSTANT,
        POISSON
    }

    /**
     * What tensor requests carry.
     *
     * @param data      RANDOM (within each input's datatype; BYTES as random text) or ZEROS
     * @param batchSize rows per request (the batch dimension of a batched model)
     * @param file      inputs read from this file instead (perf_analyzer's JSON, or a folder of .npy), or null
     */
    public record Inputs(Data data, int batchSize, java.nio.file.Path file) {
        /** Inputs made, not read. */
        public Inputs(Data data, int batchSize) {
            this(data, batchSize, null);
        }

        public Inputs {
            Objects.requireNonNull(data, "data");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
        }
    }

    /** How tensor inputs are filled. */
    public enum Data {
        RANDOM,
        ZEROS
    }

    /**
     * What generation requests ask.
     *
     * @param prompts     prompts used in turn (synthetic ones when made from a token length)
     * @param maxTokens   tokens to generate per request
     * @param ignoreEos   keep generating past EOS, so every request makes {@code maxTokens}
     * @param temperature sampling temperature (0 = greedy)
     * @param topP        nucleus sampling (1 = off)
     */
    public record Generation(List<String> prompts, int maxTokens, boolean ignoreEos, float temperature, float topP) {
        public Generation {
            prompts = List.copyOf(prompts);
            if (prompts.isEmpty()) {
                throw new IllegalArgumentException("a generation workload needs at least one prompt");
            }
            if (maxTokens < 1) {
                throw new IllegalArgumentException("max tokens must be at least 1");
            }
        }

        /** {@code count} synthetic prompts of about {@code words} words each. */
        public static List<String> synthetic(int count, int words, long seed) {
            String[] vocabulary = {
                "the", "and", "of", "to", "in", "that", "he", "shall", "unto", "for", "his", "i", "a", "lord", "they",
                "be", "is", "him", "not", "them", "it", "with", "all", "thou", "was", "which", "my"
            };
            java.util.Random random = new java.util.Random(seed);
            List<String> prompts = new java.util.ArrayList<>();
            for (int p = 0; p < count; p++) {
                StringBuilder b = new StringBuilder();
                for (int w = 0; w < words; w++) {
                    b.append(w == 0 ? "" : " ").append(vocabulary[random.nextInt(vocabulary.length)]);
                }
                prompts.add(b.toString());
            }
            return prompts;
        }
    }

    /** A value and its weight in a mix. */
    public record Weighted<T>(T value, double weight) {
        public Weighted {
            Objects.requireNonNull(value, "value");
            if (!(weight > 0)) {
                throw new IllegalArgumentException("a weight must be above 0");
            }
        }
    }
}
