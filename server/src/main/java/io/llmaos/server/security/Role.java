package io.llmaos.server.security;

import java.util.Locale;

/** What a token may do: {@link #INFER} calls inference and reads; {@link #ADMIN} may also manage models and policies. */
public enum Role {
    /** Inference, generation, and the read-only model, scheduler and resource RPCs. */
    INFER,
    /** Everything, including loading and unloading models and changing scheduling policies. */
    ADMIN;

    /** The role named {@code text} ({@code infer} or {@code admin}, any case). */
    static Role parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "infer" -> INFER;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("unknown role '" + text + "' (roles are infer and admin)");
        };
    }

    /** How the role is written in the token file. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
