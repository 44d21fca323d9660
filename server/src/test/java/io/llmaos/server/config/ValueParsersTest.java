package io.llmaos.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValueParsersTest {
    @Test
    void durations() {
        assertEquals(Duration.ofMillis(250), ValueParsers.duration("250ms"));
        assertEquals(Duration.ofSeconds(30), ValueParsers.duration("30s"));
        assertEquals(Duration.ofSeconds(30), ValueParsers.duration("30"));
        assertEquals(Duration.ofMinutes(2), ValueParsers.duration("2m"));
        assertEquals(Duration.ofHours(1), ValueParsers.duration("1h"));
        assertEquals(Duration.ofSeconds(90), ValueParsers.duration("PT1M30S"));
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.duration("-1s"));
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.duration("ten seconds"));
    }

    @Test
    void sizes() {
        assertEquals(65536, ValueParsers.bytes("65536"));
        assertEquals(512 * 1024, ValueParsers.bytes("512KiB"));
        assertEquals(64L << 20, ValueParsers.bytes("64MiB"));
        assertEquals(2L << 30, ValueParsers.bytes("2GiB"));
        assertEquals(1_000_000, ValueParsers.bytes("1MB"));
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.bytes("64 megs"));
        assertThrows(ArithmeticException.class, () -> ValueParsers.bytes("99999999999999GiB"));
    }

    @Test
    void booleans() {
        assertTrue(ValueParsers.bool("TRUE"));
        assertTrue(ValueParsers.bool("yes"));
        assertFalse(ValueParsers.bool("off"));
        assertThrows(IllegalArgumentException.class, () -> ValueParsers.bool("maybe"));
    }
}
