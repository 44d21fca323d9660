package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.runtime.Clock;
import io.llmaos.server.model.engine.LoadedModel;
import io.llmaos.server.model.engine.ModelInstance;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.resource.EngineBudget;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One served copy of a model version: the engine's model, its tokenizer and its instances. Work is admitted with
 * {@link #admit} (and {@link #release}d when answered), instances are borrowed and given back, more
 * can be grown and spare ones removed. {@link #drainAndClose} refuses new work, tells its listeners,
 * waits until every admitted request is answered, then frees the engine's memory.
 */
public final class ServedCopy {
    private final ModelSpec spec;
    private final ModelConfig config;
    private final LoadedModel model;
    private final Supplier<ModelInstance> grower;
    private final EngineBudget budget;
    private final Clock clock;
    private final long stamp;
    private final Object lock = new Object();
    private final Deque<ModelInstance> idle = new ArrayDeque<>();
    private final List<ModelInstance> instances = new ArrayList<>();
    private final List<Runnable> closingListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong lastUsedMillis;
    private int admitted;
    private volatile long reservedBytes;
    private boolean closing;
    private long memoryBytes;
    private long loadMillis;

    /**
     * @param warmed the start-up instances, whose share of {@code budget} the load reserved; this copy
     *               gives it back as it closes them
     */
    ServedCopy(
            ModelSpec spec,
            ModelConfig config,
            LoadedModel model,
            List<ModelInstance> warmed,
            Supplier<ModelInstance> grower,
            EngineBudget budget,
            Clock clock,
            long stamp) {
        this.spec = spec;
        this.budget = budget;
        this.config = config;
        this.model = model;
        this.grower = grower;
        this.clock = clock;
        this.stamp = stamp;
        this.instances.addAll(warmed);
        this.idle.addAll(warmed);
        this.lastUsedMillis = new AtomicLong(clock.now().toEpochMilli());
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The model's tokenizer (GENERATIVE models), shared by every instance; null for other kinds. */
    public io.llmaos.server.model.engine.TokenCodec tokenizer() {
        return model.tokenizer();
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

    /** Resident memory measured at load (process RSS growth over load and warm-up). */
    public long memoryBytes() {
        return memoryBytes;
    }

    long loadMillis() {
        return loadMillis;
    }

    /** Instances this copy has now. */
    public int instanceCount() {
        synchronized (lock) {
            return instances.size();
        }
    }

    /** When this copy last admitted work. */
    public Instant lastUsed() {
        return Instant.ofEpochMilli(lastUsedMillis.get());
    }

    /** Memory this copy holds in the model-memory budget. */
    public long reservedBytes() {
        return reservedBytes;
    }

    void reservedBytes(long bytes) {
        this.reservedBytes = bytes;
    }

    /** Whether no admitted request is in flight and the copy is not closing. */
    public boolean idle() {
        synchronized (lock) {
            return admitted == 0 && !closing;
        }
    }

    /** Admits one request; MODEL_NOT_READY ({@link VersionClosingException}) once the copy is closing. */
    public void admit() {
        synchronized (lock) {
            if (closing) {
                throw new VersionClosingException(spec.ref() + " is unloading");
            }
            admitted++;
        }
        lastUsedMillis.set(clock.now().toEpochMilli());
    }

    /** Marks one admitted request answered. */
    public void release() {
        synchronized (lock) {
            admitted--;
            if (admitted == 0) {
                lock.notifyAll();
            }
        }
    }

    /** An idle instance, or null when all are busy. */
    public ModelInstance takeInstance() {
        synchronized (lock) {
            return idle.pollFirst();
        }
    }

    /** Gives a borrowed instance back. */
    public void returnInstance(ModelInstance instance) {
        synchronized (lock) {
            idle.addFirst(instance);
        }
    }

    /** Whether the engine budget has room for one more instance now. */
    public boolean canGrow() {
        return budget.fits(spec.threads());
    }

    /**
     * Creates one more warmed instance, handed to the caller: null once closing or when the engine
     * budget has no room (its share is reserved before the instance is made).
     */
    public ModelInstance addInstance() {
        synchronized (lock) {
            if (closing) {
                return null;
            }
        }
        if (!budget.tryReserve(1, spec.threads())) {
            return null;
        }
        ModelInstance instance;
        try {
            instance = grower.get();
        } catch (RuntimeException | Error e) {
            budget.give(spec.threads());
            throw e;
        }
        synchronized (lock) {
            if (!closing) {
                instances.add(instance);
                return instance;
            }
        }
        close(instance);
        return null;
    }

    /** Closes and forgets an instance the caller holds (scaling down). */
    public void removeInstance(ModelInstance instance) {
        synchronized (lock) {
            if (!instances.remove(instance)) {
                return;
            }
        }
        close(instance);
    }

    /** Closes an instance and gives its share of the engine budget back. */
    private void close(ModelInstance instance) {
        try {
            instance.close();
        } finally {
            budget.give(spec.threads());
        }
    }

    /** Runs {@code listener} when this copy starts closing. */
    public void onClosing(Runnable listener) {
        closingListeners.add(listener);
        synchronized (lock) {
            if (!closing) {
                return;
            }
        }
        listener.run();
    }

    /** Refuses new work, tells listeners, waits for admitted work, closes the instances and frees the model. */
    void drainAndClose() {
        synchronized (lock) {
            closing = true;
        }
        closingListeners.forEach(Runnable::run);
        List<ModelInstance> all;
        synchronized (lock) {
            while (admitted > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            all = new ArrayList<>(instances);
            instances.clear();
            idle.clear();
        }
        all.forEach(this::close);
        model.close();
    }

    /** Thrown by {@link #admit} once this copy is closing; a caller may retry on the copy replacing it. */
    public static final class VersionClosingException extends LlmaosException {
        private static final long serialVersionUID = 1L;

        public VersionClosingException(String message) {
            super(ErrorCode.MODEL_NOT_READY, message, null, false);
        }
    }
}
