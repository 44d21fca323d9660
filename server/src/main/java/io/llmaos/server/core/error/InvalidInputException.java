package io.llmaos.server.core.error;

import java.util.List;
import java.util.stream.Collectors;

/** A request that is malformed, with every field that is wrong (mapped to INVALID_ARGUMENT). */
public final class InvalidInputException extends LlmaosException {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldViolation> violations;
    private final int omitted;

    public InvalidInputException(List<FieldViolation> violations) {
        this("invalid request", violations);
    }

    /** Violations of something other than a request, e.g. {@code context} = "models/x/config.json". */
    public InvalidInputException(String context, List<FieldViolation> violations) {
        super(ErrorCode.INVALID_ARGUMENT, summary(context, violations), null, false);
        this.violations = List.copyOf(violations.subList(0, Math.min(violations.size(), Echo.LIST_ENTRIES)));
        this.omitted = violations.size() - this.violations.size();
    }

    public InvalidInputException(String field, String description) {
        this(List.of(new FieldViolation(field, description)));
    }

    /** The first {@value Echo#LIST_ENTRIES} violations found, in the order found. */
    public List<FieldViolation> violations() {
        return violations;
    }

    /** How many more violations were found than {@link #violations} lists. */
    public int omitted() {
        return omitted;
    }

    private static String summary(String context, List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid input needs at least one violation");
        }
        String shown = violations.stream()
                .limit(Echo.LIST_ENTRIES)
                .map(v -> v.field() + ": " + v.description())
                .collect(Collectors.joining("; ", Echo.cut(context) + ": ", ""));
        int more = violations.size() - Echo.LIST_ENTRIES;
        return more > 0 ? shown + "; and " + more + " more" : shown;
    }
}
