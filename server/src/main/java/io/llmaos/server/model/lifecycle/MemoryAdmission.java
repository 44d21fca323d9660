package io.llmaos.server.model.lifecycle;

import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.model.engine.ModelSpec;
import io.llmaos.server.resource.MemoryLedger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission to the model-memory budget: what a load should reserve, and making room for it by
 * evicting idle models of other names, least recently used first, or refusing it whole.
 */
final class MemoryAdmission {
    private static final Logger log = LoggerFactory.getLogger(MemoryAdmission.class);

    private final MemoryLedger ledger;
    private final Supplier<Collection<ModelEntry>> models;
    private final BiConsumer<ModelEntry, String> evict;

    /**
     * @param models every managed model (the candidates for eviction)
     * @param evict  unloads every version of a model, saying why (run on that model's operation queue)
     */
    MemoryAdmission(
            MemoryLedger ledger, Supplier<Collection<ModelEntry>> models, BiConsumer<ModelEntry, String> evict) {
        this.ledger = ledger;
        this.models = models;
        this.evict = evict;
    }

    /**
     * What loading {@code spec} should reserve: the config's hint, else the size of its files plus,
     * for a STATIC KV cache, the cache each instance the pool may grow to preallocates.
     */
    static long estimate(ModelConfig config, ModelSpec spec) {
        long hint = config.getResources().getMemoryEstimateBytes();
        if (hint > 0) {
            return hint;
        }
        long caches = spec.generation() == null
                ? 0
                : spec.generation().staticCacheBytes()
                        * Math.max(
                                1,
                                Math.max(
                                        config.getInstances().getMin(),
                                        config.getInstances().getMax()));
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(spec.directory())) {
            return caches
                    + files.filter(java.nio.file.Files::isRegularFile)
                            .mapToLong(f -> f.toFile().length())
                            .sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return caches;
        }
    }

    /**
     * Reserves {@code bytes} for {@code model}/{@code version}, evicting idle models of other names,
     * least recently used first (never pinned ones, never ones with work in flight or an operation
     * under way), until it fits; RESOURCE_EXHAUSTED naming the shortfall when it cannot.
     */
    MemoryLedger.Reservation admit(ModelEntry model, long version, long bytes) {
        MemoryLedger.Reservation r = ledger.tryReserve(model.name, version, bytes);
        while (r == null) {
            List<String> kept = new ArrayList<>();
            List<Map.Entry<ModelEntry, java.time.Instant>> evictable = new ArrayList<>();
            long evictableBytes = 0;
            for (ModelEntry other : models.get()) {
                ServedCopy serving = other == model ? null : other.highestServing();
                if (serving == null) {
                    continue;
                }
                if (serving.config().getResources().getPinned()) {
                    kept.add(other.name + " (pinned)");
                } else if (!serving.idle() || !other.quiet()) {
                    kept.add(other.name + " (busy)");
                } else {
                    evictable.add(Map.entry(other, serving.lastUsed()));
                    evictableBytes += serving.reservedBytes();
                }
            }
            if (ledger.free() + evictableBytes < bytes) {
                // evicting everything evictable would not make room: evict nothing
                String why = "loading " + model.name + "/" + version + " needs " + mib(bytes)
                        + " of the model memory budget; " + mib(ledger.free()) + " free of " + mib(ledger.limit())
                        + ", " + mib(evictableBytes) + " held by idle models"
                        + (kept.isEmpty()
                                ? ""
                                : "; not evictable: " + String.join(", ", new java.util.TreeSet<>(kept)));
                ledger.refused(model.name, version, bytes, why);
                throw new CapacityExceededException("MODEL_MEMORY_BUDGET", why, java.time.Duration.ofSeconds(1));
            }
            ModelEntry victim = evictable.stream()
                    .min(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            String why = "evicted (least recently used) to make room for " + model.name + "/" + version;
            log.info("{}: {}", victim.name, why);
            victim.enqueue(
                            () -> {
                                evict.accept(victim, why);
                                return null;
                            },
                            Runnable::run)
                    .join();
            r = ledger.tryReserve(model.name, version, bytes);
        }
        return r;
    }

    private static String mib(long bytes) {
        return bytes == Long.MAX_VALUE
                ? "unlimited"
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
