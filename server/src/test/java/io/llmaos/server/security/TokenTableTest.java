package io.llmaos.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenTableTest {
    @Test
    void aTokenIsKnownByItsHashAndNamesItsTenantAndRoles() {
        TokenTable table = TokenTable.parse(List.of(
                "# operators",
                "",
                TokenTable.hashOf("s3cret-admin") + "  ops   admin   # the on-call",
                TokenTable.hashOf("s3cret-infer") + " acme infer,INFER"));
        assertEquals(2, table.size());
        Identity admin = table.identify("s3cret-admin").orElseThrow();
        assertEquals("ops", admin.tenant());
        assertEquals(Set.of(Role.ADMIN), admin.roles());
        assertTrue(admin.may(Role.INFER), "admin may do everything");
        Identity infer = table.identify("s3cret-infer").orElseThrow();
        assertEquals("acme", infer.tenant());
        assertTrue(infer.may(Role.INFER));
        assertFalse(infer.may(Role.ADMIN));
        assertTrue(table.identify("s3cret-infer ").isEmpty(), "an exact match only");
        assertTrue(table.identify("").isEmpty());
        assertTrue(table.identify(TokenTable.hashOf("s3cret-admin")).isEmpty(), "the hash is not the token");
    }

    @Test
    void badLinesAreNamedByNumberWithoutRepeatingThem() {
        String hash = TokenTable.hashOf("t");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TokenTable.parse(List.of(
                        hash + " acme infer",
                        "deadbeef acme infer",
                        hash + " acme",
                        hash + " acme root",
                        hash + " bad/tenant infer")));
        String m = e.getMessage();
        for (String line : List.of("line 2", "line 3", "line 4", "line 5")) {
            assertTrue(m.contains(line), m);
        }
        assertFalse(m.contains("line 1"), m);
        assertFalse(m.contains(hash), "a hash is not echoed: " + m);
    }

    @Test
    void aTenantMayNarrowToOneBelowItNeverNameAnother() {
        Identity acme = new Identity("acme", Set.of(Role.INFER), "test");
        assertTrue(acme.mayActAs("acme"));
        assertTrue(acme.mayActAs("acme.team-a"));
        assertFalse(acme.mayActAs("acme2"));
        assertFalse(acme.mayActAs("vip"));
        assertFalse(acme.mayActAs("default"));
    }
}
