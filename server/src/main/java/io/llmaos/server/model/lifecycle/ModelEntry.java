package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The runtime side of one model: a slot per version (the copy serving it and its status), and a
 * queue that runs this model's load and unload operations one at a time on the shared pool.
 */
final class ModelEntry {
    final String name;
    private final NavigableMap<Long, VersionSlot> slots = new TreeMap<>();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private ModelConfig config = ModelConfig.getDefaultInstance();
    private String configError = "";

    ModelEntry(String name) {
        this.name = name;
    }

    /** Runs {@code operation} on {@code pool} after every operation queued before it. */
    synchronized <T> CompletableFuture<T> enqueue(Supplier<T> operation, Executor pool) {
        CompletableFuture<T> next = tail.handle((ignored, error) -> null).thenApplyAsync(x -> operation.get(), pool);
        tail = next;
        return next;
    }

    /** Loads queued or running, which an unload cancels. */
    private final java.util.Set<LoadTicket> loads = new java.util.HashSet<>();

    synchronized void track(LoadTicket ticket) {
        loads.add(ticket);
    }

    synchronized void untrack(LoadTicket ticket) {
        loads.remove(ticket);
    }

    /** Stops every load queued or running at its next step. */
    synchronized void cancelLoads(String why) {
        loads.forEach(t -> t.cancel(why));
    }

    /** Whether no operation is queued or running. */
    synchronized boolean quiet() {
        return tail.isDone();
    }

    synchronized VersionSlot slot(long version, Instant now) {
        return slots.computeIfAbsent(version, v -> new VersionSlot(VersionStatus.unavailable(v, "", now)));
    }

    synchronized List<Long> versions() {
        return new ArrayList<>(slots.keySet());
    }

    synchronized VersionSlot existing(long version) {
        return slots.get(version);
    }

    synchronized void forget(long version) {
        slots.remove(version);
    }

    /** The highest version with a copy serving, or null. */
    synchronized ServedCopy highestServing() {
        for (VersionSlot slot : slots.descendingMap().values()) {
            ServedCopy serving = slot.serving;
            if (serving != null) {
                return serving;
            }
        }
        return null;
    }

    synchronized List<VersionStatus> statuses() {
        return slots.descendingMap().values().stream().map(s -> s.status).toList();
    }

    synchronized void configRead(ModelConfig value, String error) {
        this.config = value;
        this.configError = error;
    }

    synchronized ModelConfig config() {
        return config;
    }

    synchronized String configError() {
        return configError;
    }

    /** One version: the copy serving it (null when none) and its status. */
    static final class VersionSlot {
        volatile ServedCopy serving;
        volatile VersionStatus status;
        /** The memory reserved for the copy serving. */
        volatile io.llmaos.server.resource.MemoryLedger.Reservation reservation;

        VersionSlot(VersionStatus status) {
            this.status = status;
        }
    }
}
