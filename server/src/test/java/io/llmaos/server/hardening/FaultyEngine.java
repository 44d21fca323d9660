package io.llmaos.server.hardening;

import io.llmaos.server.core.tensor.Tensor;
import io.llmaos.server.model.engine.EngineType;
import io.llmaos.server.model.engine.InferenceEngine;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A real engine whose instances fail on demand, the way an engine can: throw, fail hard, or answer wrongly. */
final class FaultyEngine implements InferenceEngine {
    /** What the next engine calls do. */
    enum Fault {
        NONE,
        THROW,
        ERROR,
        OUT_OF_MEMORY,
        WRONG_ROWS,
        SLOW
    }

    private final InferenceEngine real;
    private final AtomicReference<Fault> fault;

    FaultyEngine(InferenceEngine real, AtomicReference<Fault> fault) {
        this.real = real;
        this.fault = fault;
    }

    @Override
    public EngineType type() {
        return real.type();
    }

    @Override
    public void start() {
        real.start();
    }

    @Override
    public long startupMillis() {
        return real.startupMillis();
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        LoadedModel model = real.load(spec);
        return new LoadedModel() {
            @Override
            public ModelSpec spec() {
                return model.spec();
            }

            @Override
            public ModelInstance newInstance() {
                ModelInstance instance = model.newInstance();
                return new ModelInstance() {
                    @Override
                    public List<Tensor> execute(List<Tensor> inputs) {
                        return faulty(instance, inputs);
                    }

                    @Override
                    public void close() {
                        instance.close();
                    }
                };
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    private List<Tensor> faulty(ModelInstance instance, List<Tensor> inputs) {
        switch (fault.get()) {
            case THROW -> throw new IllegalStateException("injected engine failure");
            case ERROR -> throw new AssertionError("injected engine error");
            case OUT_OF_MEMORY -> throw new OutOfMemoryError("injected: out of memory");
            case SLOW -> sleep(150);
            default -> {}
        }
        List<Tensor> outputs = instance.execute(inputs);
        if (fault.get() == Fault.WRONG_ROWS) {
            List<Tensor> wrong = new ArrayList<>();
            for (Tensor t : outputs) {
                long[] shape = t.shape().clone();
                shape[0] += 1;
                wrong.add(Tensor.of(t.name(), t.type(), shape, ByteBuffer.allocate((int)
                        (Tensor.elementCount(shape) * t.type().byteSize()))));
            }
            return wrong;
        }
        return outputs;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
