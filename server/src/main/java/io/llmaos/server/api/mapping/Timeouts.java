package io.llmaos.server.api.mapping;

import io.llmaos.server.core.error.InvalidInputException;
import java.time.Duration;

/**
 * The one rule for a request's own timeout, whatever the call: unset or zero means none; a negative
 * value, nanos outside 0..999,999,999, or seconds beyond the range of {@code google.protobuf.Duration}
 * (about 10,000 years) are INVALID_ARGUMENT. Values in range are accepted as they are; the scheduler
 * adds them to the clock with saturating arithmetic.
 */
public final class Timeouts {
    /** The largest seconds value of a google.protobuf.Duration. */
    static final long MAX_SECONDS = 315_576_000_000L;

    private Timeouts() {}

    /** The timeout a Duration field asks for, or null for none. */
    public static Duration of(com.google.protobuf.Duration d, String field) {
        if (d.getSeconds() == 0 && d.getNanos() == 0) {
            return null;
        }
        if (d.getSeconds() < 0 || d.getNanos() < 0) {
            throw new InvalidInputException(field, "must not be negative (0 or unset = no timeout of its own)");
        }
        if (d.getNanos() > 999_999_999) {
            throw new InvalidInputException(field + ".nanos", "must be within 0..999999999");
        }
        if (d.getSeconds() > MAX_SECONDS) {
            throw new InvalidInputException(field + ".seconds", "must be at most " + MAX_SECONDS);
        }
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    /** A timeout given in microseconds (Triton's "timeout" parameter), or null for none. */
    public static Duration ofMicros(long micros, String field) {
        if (micros < 0) {
            throw new InvalidInputException(field, "must not be negative (microseconds; 0 = no timeout of its own)");
        }
        return micros == 0 ? null : Duration.ofSeconds(micros / 1_000_000, micros % 1_000_000 * 1000);
    }
}
