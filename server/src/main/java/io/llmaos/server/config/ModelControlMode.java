package io.llmaos.server.config;

import java.util.Locale;

/** How the server decides which models to load, as Triton's model control modes. */
public enum ModelControlMode {
    /** Load the start-up list, then only what LoadModel asks. */
    EXPLICIT,
    /** Load everything, then follow the repository: new, changed and removed models and versions. */
    POLL;

    static ModelControlMode parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected explicit or poll");
        }
    }
}
