package io.llmaos.server.core.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The server's current {@link ServingPhase}, shared by the layers that report or act on it
 * (health, OIP readiness, the drain gate). Thread-safe; listeners run on the thread that moves the
 * phase, once per change.
 */
public final class ServerStatus {
    private final AtomicReference<ServingPhase> phase = new AtomicReference<>(ServingPhase.STARTING);
    private final List<Consumer<ServingPhase>> listeners = new CopyOnWriteArrayList<>();

    /** The phase now. */
    public ServingPhase phase() {
        return phase.get();
    }

    /**
     * Moves forward to {@code next}. Moving to the current or an earlier phase does nothing and
     * returns false, so concurrent shutdown requests are harmless.
     */
    public boolean moveTo(ServingPhase next) {
        while (true) {
            ServingPhase current = phase.get();
            if (next.ordinal() <= current.ordinal()) {
                return false;
            }
            if (phase.compareAndSet(current, next)) {
                listeners.forEach(listener -> listener.accept(next));
                return true;
            }
        }
    }

    /** Calls {@code listener} with each later phase change. */
    public void onChange(Consumer<ServingPhase> listener) {
        listeners.add(listener);
    }
}
