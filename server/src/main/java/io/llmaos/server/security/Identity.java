package io.llmaos.server.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who a call is: the tenant its work is accounted to, what it may do, and a label for logs (the
 * token file's line, never the token).
 */
public record Identity(String tenant, Set<Role> roles, String label) {
    public Identity {
        Objects.requireNonNull(tenant, "tenant");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(label, "label");
    }

    /** Whether this identity may do what {@code needed} allows ({@link Role#ADMIN} may do everything). */
    public boolean may(Role needed) {
        return roles.contains(Role.ADMIN) || roles.contains(needed);
    }

    /**
     * Whether a call of this identity may name {@code tenant}: its own, or one below it
     * ({@code own.something}); never another.
     */
    public boolean mayActAs(String tenant) {
        return tenant.equals(this.tenant) || tenant.startsWith(this.tenant + ".");
    }
}
