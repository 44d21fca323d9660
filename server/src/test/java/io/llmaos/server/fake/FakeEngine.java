package io.llmaos.server.fake;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.tensor.DataType;
import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.core.tensor.TensorSpec;
import io.llmaos.server.model.engine.DecodeBatch;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.GenerativeInstance;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.model.engine.ServingKind;
import io.llmaos.server.model.engine.TokenCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A deterministic engine without native libraries, for fast tests of scheduling, admission and
 * lifecycle. It loads any spec of its {@link EngineType} (the model file is never read). What it
 * does is set on its {@link FakeBehaviour}: load and execute latency, failures, memory held per
 * loaded model. It counts what it made, so tests can check budgets were never exceeded.
 *
 * <p>Tensor models: every output of row {@code r} is FP32, element {@code j} = (sum of row {@code r}
 * of the first input) + {@code j}. An input row whose first element is negative fails the batch with
 * ENGINE_FAILURE. Generative models: a byte tokenizer (ids 0..255 are bytes, 256 is EOS), and the
 * next token after {@code t} is {@code t + 1}, or EOS after {@code 'z'}.
 */
public final class FakeEngine implements InferenceEngine {
    /** The token that ends a sequence. */
    public static final long EOS = 256;

    private final EngineType type;
    private final FakeBehaviour behaviour;
    /** Instances open now, and the most that were ever open together. */
    public final AtomicInteger liveInstances = new AtomicInteger();

    public final AtomicInteger peakInstances = new AtomicInteger();
    /** Models loaded and not closed. */
    public final AtomicInteger liveModels = new AtomicInteger();

    public FakeEngine(EngineType type, FakeBehaviour behaviour) {
        this.type = type;
        this.behaviour = behaviour;
    }

    @Override
    public EngineType type() {
        return type;
    }

    @Override
    public void start() {}

    @Override
    public long startupMillis() {
        return 0;
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        pause(behaviour.loadDelayMillis);
        String failure = behaviour.loadFailure;
        if (failure != null) {
            throw new LlmaosException(ErrorCode.ENGINE_FAILURE, failure);
        }
        byte[] held = new byte[(int) Math.min(Integer.MAX_VALUE - 8, behaviour.memoryBytes)];
        liveModels.incrementAndGet();
        return new LoadedModel() {
            private byte[] memory = held;

            @Override
            public ModelSpec spec() {
                return spec;
            }

            @Override
            public TokenCodec tokenizer() {
                return spec.kind() == ServingKind.GENERATIVE ? BYTES : null;
            }

            @Override
            public ModelInstance newInstance() {
                pause(behaviour.instanceDelayMillis);
                int now = liveInstances.incrementAndGet();
                peakInstances.accumulateAndGet(now, Math::max);
                return spec.kind() == ServingKind.GENERATIVE ? new Generative(spec) : new Instance(spec);
            }

            @Override
            public void close() {
                if (memory != null) {
                    memory = null;
                    liveModels.decrementAndGet();
                }
            }
        };
    }

    private static void pause(long millis) {
        if (millis > 0) {
            LockSupport.parkNanos(millis * 1_000_000);
        }
    }

    /** A tensor instance: the deterministic function of the class comment. */
    private class Instance implements ModelInstance {
        final ModelSpec spec;
        private boolean closed;

        Instance(ModelSpec spec) {
            this.spec = spec;
        }

        @Override
        public List<Tensor> execute(List<Tensor> inputs) {
            pause(behaviour.executeDelayMillis);
            Tensor first = inputs.get(0);
            int rows = spec.batched() ? (int) first.shape()[0] : 1;
            float[] sums = rowSums(first, rows);
            List<Tensor> outputs = new ArrayList<>();
            for (TensorSpec out : spec.outputs()) {
                long[] shape = out.shapeWithBatch(spec.batched()).clone();
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = shape[d] < 0 ? (d == 0 && spec.batched() ? rows : 1) : shape[d];
                }
                int perRow = (int) (Tensor.elementCount(shape) / rows);
                float[] values = new float[rows * perRow];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < perRow; j++) {
                        values[r * perRow + j] = sums[r] + j;
                    }
                }
                outputs.add(Tensor.ofFloats(out.name(), shape, values));
            }
            return outputs;
        }

        private float[] rowSums(Tensor input, int rows) {
            float[] sums = new float[rows];
            if (input.type() != DataType.FP32) {
                return sums;
            }
            float[] all = input.toFloats();
            int perRow = all.length / rows;
            for (int r = 0; r < rows; r++) {
                if (perRow > 0 && all[r * perRow] < 0) {
                    throw new LlmaosException(ErrorCode.ENGINE_FAILURE, "the fake engine was asked to fail");
                }
                for (int j = 0; j < perRow; j++) {
                    sums[r] += all[r * perRow + j];
                }
            }
            return sums;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                liveInstances.decrementAndGet();
            }
        }
    }

    /** A generative instance: byte tokens counting up, EOS after 'z'. */
    private final class Generative extends Instance implements GenerativeInstance {
        Generative(ModelSpec spec) {
            super(spec);
        }

        @Override
        public DecodeBatch newBatch() {
            return new FakeDecodeBatch(spec.generation().vocabSize(), behaviour);
        }
    }

    /** Text as UTF-8 bytes, one token per byte. */
    public static final TokenCodec BYTES = new TokenCodec() {
        @Override
        public long[] encode(String text) {
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long[] ids = new long[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = bytes[i] & 0xff;
            }
            return ids;
        }

        @Override
        public String decode(long[] ids) {
            ByteBuffer b = ByteBuffer.allocate(ids.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long id : ids) {
                if (id < 256) {
                    b.put((byte) id);
                }
            }
            return new String(b.array(), 0, b.position(), java.nio.charset.StandardCharsets.UTF_8);
        }
    };
}
