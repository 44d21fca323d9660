package io.llmaos.server.config;

import java.util.List;

/** The settings are invalid; the message lists every problem, one per line. */
public final class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public SettingsException(List<String> problems) {
        super("invalid settings:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, naming the setting, the bad value and where it came from. */
    public List<String> problems() {
        return problems;
    }
}
