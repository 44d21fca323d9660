package io.llmaos.server.fake;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/** The fake engine's continuous batch: each row's next token is its last plus one, EOS after 'z'. */
final class FakeDecodeBatch implements io.llmaos.server.model.engine.DecodeBatch {
    private final int vocab;
    private final FakeBehaviour behaviour;
    /** Cached tokens per sequence. */
    private final Map<Long, Integer> lengths = new HashMap<>();

    FakeDecodeBatch(int vocab, FakeBehaviour behaviour) {
        this.vocab = vocab;
        this.behaviour = behaviour;
    }

    @Override
    public float[][] prefill(long[] sequenceIds, long[][] prompts) {
        pause();
        float[][] logits = new float[sequenceIds.length][];
        for (int i = 0; i < sequenceIds.length; i++) {
            if (lengths.putIfAbsent(sequenceIds[i], prompts[i].length) != null) {
                throw new IllegalStateException("sequence " + sequenceIds[i] + " is already in the batch");
            }
            logits[i] = next(prompts[i][prompts[i].length - 1]);
        }
        return logits;
    }

    @Override
    public float[][] step(long[] sequenceIds, long[] lastTokens) {
        if (sequenceIds.length != lengths.size()) {
            throw new IllegalArgumentException("a step lists every sequence of the batch");
        }
        pause();
        float[][] logits = new float[sequenceIds.length][];
        for (int i = 0; i < sequenceIds.length; i++) {
            Integer length = lengths.get(sequenceIds[i]);
            if (length == null) {
                throw new IllegalArgumentException("sequence " + sequenceIds[i] + " is not in the batch");
            }
            lengths.put(sequenceIds[i], length + 1);
            logits[i] = next(lastTokens[i]);
        }
        return logits;
    }

    private float[] next(long last) {
        float[] logits = new float[vocab];
        long token = last == 'z' ? FakeEngine.EOS : (last + 1) % FakeEngine.EOS;
        logits[(int) Math.min(token, vocab - 1)] = 10f;
        return logits;
    }

    private void pause() {
        long millis = behaviour.stepDelayMillis;
        if (millis > 0) {
            LockSupport.parkNanos(millis * 1_000_000);
        }
    }

    @Override
    public void remove(long[] sequenceIds) {
        for (long id : sequenceIds) {
            lengths.remove(id);
        }
    }

    @Override
    public int size() {
        return lengths.size();
    }

    @Override
    public void close() {
        lengths.clear();
    }
}
