package io.llmaos.server.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmaos.server.core.error.CapacityExceededException;
import io.llmaos.server.core.runtime.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TenantQuotasTest {
    private final ManualClock clock = new ManualClock();
    private final TenantQuotas quotas = new TenantQuotas(clock);

    @Test
    void inFlightIsCappedAndGivenBack() {
        TenantRule rule = new TenantRule(1, 2, 0, 0);
        quotas.acquire("t", rule);
        quotas.acquire("t", rule);
        CapacityExceededException e = assertThrows(CapacityExceededException.class, () -> quotas.acquire("t", rule));
        assertEquals("TENANT_QUOTA", e.reason());
        quotas.release("t");
        quotas.acquire("t", rule);
        assertEquals(2, quotas.inFlight("t"));
        quotas.acquire("other", rule);
    }

    @Test
    void theRateIsATokenBucketWithABurst() {
        TenantRule rule = new TenantRule(1, 0, 10, 3);
        for (int i = 0; i < 3; i++) {
            quotas.acquire("t", rule);
        }
        CapacityExceededException e = assertThrows(CapacityExceededException.class, () -> quotas.acquire("t", rule));
        assertEquals(Duration.ofMillis(100), e.retryAfter(), "one token comes every 100 ms");
        clock.advance(Duration.ofMillis(100));
        quotas.acquire("t", rule);
        assertThrows(CapacityExceededException.class, () -> quotas.acquire("t", rule));
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            quotas.acquire("t", rule);
        }
        assertThrows(
                CapacityExceededException.class, () -> quotas.acquire("t", rule), "the bucket holds only the burst");
    }

    @Test
    void tenantsWithNothingInFlightAndAFullBucketHoldNoState() {
        TenantRule free = new TenantRule(1, 0, 0, 0);
        for (int i = 0; i < 10_000; i++) {
            quotas.acquire("tenant-" + i, free);
            quotas.release("tenant-" + i);
        }
        assertEquals(0, quotas.tracked());
        TenantRule rated = new TenantRule(1, 0, 10, 1);
        quotas.acquire("r", rated);
        quotas.release("r");
        assertEquals(1, quotas.tracked(), "a bucket still refilling is kept, so the rate holds");
        assertThrows(CapacityExceededException.class, () -> quotas.acquire("r", rated));
        clock.advance(Duration.ofSeconds(1));
        quotas.acquire("r", rated);
        quotas.release("r");
        clock.advance(Duration.ofSeconds(1));
        quotas.acquire("r", rated);
        clock.advance(Duration.ofSeconds(1));
        quotas.release("r");
        assertEquals(0, quotas.tracked());
    }
}
