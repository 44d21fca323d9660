package io.llmaos.server.model.lifecycle;

import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolution with load-on-demand: a model that has no READY copy is loaded first, and the future
 * completes once it is READY; it fails with NOT_FOUND when the repository does not hold it, or
 * UNAVAILABLE when it is still loading after the on-demand wait. No caller's thread waits: the
 * repository is read and the load runs on the load pool, and the answer follows the load.
 */
final class OnDemandLoads {
    private static final Logger log = LoggerFactory.getLogger(OnDemandLoads.class);

    private final ModelRegistry registry;
    private final Function<String, CompletableFuture<ModelStatus>> load;
    private final Executor loadPool;
    private final Duration wait;

    /** @param wait how long a request waits for its model; null turns load-on-demand off */
    OnDemandLoads(
            ModelRegistry registry,
            Function<String, CompletableFuture<ModelStatus>> load,
            Executor loadPool,
            Duration wait) {
        this.registry = registry;
        this.load = load;
        this.loadPool = loadPool;
        this.wait = wait;
    }

    /** The copy serving {@code name} at {@code version} (0 = the highest READY version). */
    CompletableFuture<ServedCopy> resolve(String name, long version) {
        try {
            return CompletableFuture.completedFuture(registry.resolve(name, version));
        } catch (LlmaosException e) {
            boolean loadable = e.code() == ErrorCode.MODEL_NOT_READY
                    || e.code() == ErrorCode.NOT_FOUND && registry.get(name) == null;
            if (wait == null || !loadable) {
                throw e;
            }
        }
        log.info("loading '{}' on demand", name);
        long waitMillis = wait.toMillis();
        return CompletableFuture.supplyAsync(() -> load.apply(name), loadPool)
                .thenCompose(loading -> loading)
                .orTimeout(waitMillis, TimeUnit.MILLISECONDS)
                .handle((status, error) -> {
                    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                    if (cause instanceof TimeoutException) {
                        throw new LlmaosException(
                                ErrorCode.MODEL_NOT_READY,
                                "model '" + name + "' is still loading on demand after " + waitMillis
                                        + " ms; try again shortly");
                    }
                    if (cause instanceof LlmaosException known) {
                        throw known;
                    }
                    if (cause != null) {
                        throw new LlmaosException(
                                ErrorCode.MODEL_NOT_READY,
                                "model '" + name + "' failed to load on demand: " + cause.getMessage(),
                                cause);
                    }
                    return registry.resolve(name, version);
                });
    }
}
