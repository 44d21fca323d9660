package io.llmaos.server.scheduler;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.error.ErrorCode;
import io.llmaos.server.core.error.LlmaosException;
import io.llmaos.server.core.request.GenerationListener;
import io.llmaos.server.core.request.GenerationRequest;
import io.llmaos.server.core.runtime.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where text prompts are tokenized: a small bounded pool of its own, never the gRPC threads and
 * never a decode loop (a long prompt must not stall the streams of others). A request whose caller
 * left or whose deadline passed while it waited here is answered without being tokenized; when too
 * many prompts wait, new ones are refused with RESOURCE_EXHAUSTED.
 */
final class PromptPreprocessor implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final Clock clock;

    PromptPreprocessor(int threads, int queued, Clock clock, ThreadFactory factory) {
        this.clock = clock;
        // core threads only, blocked on the queue while idle: no timers
        this.pool = new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued), factory);
    }

    /**
     * Runs {@code work} (tokenize and queue the sequence) for {@code request} on a preprocessing
     * thread; what it throws goes to {@code listener}.
     */
    void run(GenerationRequest request, GenerationListener listener, Runnable work) {
        try {
            pool.execute(() -> {
                try {
                    if (request.cancellation().isCancelled()) {
                        throw LlmaosException.expected(
                                ErrorCode.CANCELLED, "the call was cancelled before its prompt was tokenized");
                    }
                    if (clock.nanoTime() >= request.deadlineNanos()) {
                        throw LlmaosException.expected(
                                ErrorCode.DEADLINE_EXCEEDED, "the deadline passed before the prompt was tokenized");
                    }
                    work.run();
                } catch (LlmaosException e) {
                    listener.onError(e);
                } catch (RuntimeException e) {
                    listener.onError(new LlmaosException(ErrorCode.INTERNAL, "the prompt could not be prepared", e));
                }
            });
        } catch (RejectedExecutionException e) {
            throw new CapacityExceededException(
                    "PROMPT_QUEUE", "too many prompts are waiting to be tokenized", Duration.ofMillis(100));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
