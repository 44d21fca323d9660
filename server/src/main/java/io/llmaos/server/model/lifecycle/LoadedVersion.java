package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.Clock;
import io.llmaos.server.core.ErrorCode;
import io.llmaos.server.core.LlmaosException;
import io.llmaos.server.core.Tensor;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded copy of a model version: the engine's model and its pool of instances. Work borrows an
 * instance with {@link #acquire}; {@link #drainAndClose} refuses new work, waits for work in flight,
 * then frees the engine's memory.
 */
public final class LoadedVersion {
    private final ModelSpec spec;
    private final ModelConfig config;
    private final LoadedModel model;
    private final List<ModelInstance> instances;
    private final BlockingQueue<ModelInstance> idle;
    private final Clock clock;
    private final long stamp;
    private final Object drainLock = new Object();
    private final AtomicLong lastUsedMillis;
    private int inFlight;
    private boolean closing;
    private long memoryBytes;
    private long loadMillis;

    LoadedVersion(ModelSpec spec, ModelConfig config, LoadedModel model, List<ModelInstance> instances, Clock clock,
            long stamp) {
        this.spec = spec;
        this.config = config;
        this.model = model;
        this.instances = List.copyOf(instances);
        this.idle = new ArrayBlockingQueue<>(instances.size(), true, instances);
        this.clock = clock;
        this.stamp = stamp;
        this.lastUsedMillis = new AtomicLong(clock.now().toEpochMilli());
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The effective configuration this copy was loaded with. */
    public ModelConfig config() {
        return config;
    }

    /** The fingerprint of the version folder when it was loaded. */
    long stamp() {
        return stamp;
    }

    void measured(long bytes, long millis) {
        this.memoryBytes = bytes;
        this.loadMillis = millis;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    long loadMillis() {
        return loadMillis;
    }

    int instanceCount() {
        return instances.size();
    }

    /** When this copy last served work. */
    public Instant lastUsed() {
        return Instant.ofEpochMilli(lastUsedMillis.get());
    }

    /**
     * Borrows an instance, waiting up to {@code timeout} for one to be free. MODEL_NOT_READY once the
     * copy is closing; DEADLINE_EXCEEDED when none frees up in time.
     */
    public Lease acquire(Duration timeout) {
        synchronized (drainLock) {
            if (closing) {
                throw new VersionClosingException(spec.ref() + " is unloading");
            }
            inFlight++;
        }
        try {
            ModelInstance instance = idle.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            if (instance == null) {
                throw new LlmaosException(ErrorCode.DEADLINE_EXCEEDED, "no instance of " + spec.ref()
                        + " became free within " + timeout.toMillis() + " ms");
            }
            lastUsedMillis.set(clock.now().toEpochMilli());
            return new Lease(instance);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish();
            throw new LlmaosException(ErrorCode.CANCELLED, "interrupted while waiting for " + spec.ref());
        } catch (RuntimeException e) {
            finish();
            throw e;
        }
    }

    /** Refuses new work, waits until work in flight is done, closes the instances and frees the model. */
    void drainAndClose() {
        synchronized (drainLock) {
            closing = true;
            while (inFlight > 0) {
                try {
                    drainLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        instances.forEach(ModelInstance::close);
        model.close();
    }

    private void finish() {
        synchronized (drainLock) {
            inFlight--;
            if (inFlight == 0) {
                drainLock.notifyAll();
            }
        }
    }

    /** Thrown by {@link #acquire} once this copy is closing; a caller may retry on the copy replacing it. */
    static final class VersionClosingException extends LlmaosException {
        private static final long serialVersionUID = 1L;

        VersionClosingException(String message) {
            super(ErrorCode.MODEL_NOT_READY, message);
        }
    }

    /** A borrowed instance; closing it gives the instance back. */
    public final class Lease implements AutoCloseable {
        private final ModelInstance instance;
        private boolean returned;

        private Lease(ModelInstance instance) {
            this.instance = instance;
        }

        /** Runs one batch on the borrowed instance. */
        public List<Tensor> execute(List<Tensor> inputs) {
            return instance.execute(inputs);
        }

        /** The version this lease serves. */
        public LoadedVersion version() {
            return LoadedVersion.this;
        }

        @Override
        public void close() {
            if (returned) {
                return;
            }
            returned = true;
            idle.add(instance);
            finish();
        }
    }
}
