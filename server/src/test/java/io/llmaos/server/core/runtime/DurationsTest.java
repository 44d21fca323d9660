package io.llmaos.server.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void arithmeticSaturatesInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, Durations.nanos(Duration.ofSeconds(1_000_000_000_000L)));
        assertEquals(Long.MIN_VALUE, Durations.nanos(Duration.ofSeconds(-1_000_000_000_000L)));
        assertEquals(1_500_000_000L, Durations.nanos(Duration.ofMillis(1500)));
        assertEquals(Long.MAX_VALUE, Durations.add(Long.MAX_VALUE - 5, 10));
        assertEquals(Long.MIN_VALUE, Durations.add(Long.MIN_VALUE + 5, -10));
        assertEquals(-5, Durations.add(5, -10));
        long now = System.nanoTime();
        assertEquals(Long.MAX_VALUE, Durations.deadline(now, Duration.ofSeconds(315_576_000_000L)));
        assertEquals(now + 1000, Durations.deadline(now, Duration.ofNanos(1000)));
        assertEquals(Long.MAX_VALUE, Durations.multiply(Long.MAX_VALUE / 2, 3));
        assertEquals(6, Durations.multiply(2, 3));
    }
}
