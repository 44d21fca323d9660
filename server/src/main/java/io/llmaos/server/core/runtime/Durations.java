package io.llmaos.server.core.runtime;

import java.time.Duration;

/**
 * Time arithmetic that saturates instead of overflowing: a timeout of ten thousand years is "never",
 * not a negative deadline in the past.
 */
public final class Durations {
    private Durations() {}

    /** {@code d} in nanoseconds, {@link Long#MAX_VALUE} (or MIN_VALUE) when it does not fit a long. */
    public static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** {@code a + b}, clamped to the range of a long. */
    public static long add(long a, long b) {
        long sum = a + b;
        // overflow only when both have the same sign and the sum's sign differs
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    /** {@code now + timeout} on a nanosecond clock, saturated. */
    public static long deadline(long now, Duration timeout) {
        return add(now, nanos(timeout));
    }

    /** {@code a * b} for non-negative values, clamped to {@link Long#MAX_VALUE}. */
    public static long multiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }
}
