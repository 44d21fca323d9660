package io.llmaos.server.core.error;

import java.time.Duration;
import java.util.Objects;

/**
 * A queue, quota or budget is full (mapped to RESOURCE_EXHAUSTED). {@link #retryAfter()} tells the
 * caller when a retry is likely to be admitted, and {@link #reason()} names what was full (for
 * example {@code QUEUE_FULL} or {@code TENANT_QUOTA}).
 */
public final class CapacityExceededException extends LlmaosException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final Duration retryAfter;

    public CapacityExceededException(String reason, String message, Duration retryAfter) {
        super(ErrorCode.CAPACITY_EXCEEDED, message, null, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
    }

    /** What was full, as a constant such as {@code QUEUE_FULL}. */
    public String reason() {
        return reason;
    }

    /** When a retry is likely to be admitted. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
