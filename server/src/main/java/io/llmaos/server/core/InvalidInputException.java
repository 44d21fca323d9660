package io.llmaos.server.core;

import java.util.List;
import java.util.stream.Collectors;

/** A request that is malformed, with every field that is wrong (mapped to INVALID_ARGUMENT). */
public final class InvalidInputException extends LlmaosException {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldViolation> violations;

    public InvalidInputException(List<FieldViolation> violations) {
        this("invalid request", violations);
    }

    /** Violations of something other than a request, e.g. {@code context} = "models/x/config.json". */
    public InvalidInputException(String context, List<FieldViolation> violations) {
        super(ErrorCode.INVALID_ARGUMENT, summary(context, violations), null, false);
        this.violations = List.copyOf(violations);
    }

    public InvalidInputException(String field, String description) {
        this(List.of(new FieldViolation(field, description)));
    }

    /** Every violation found, in the order found. */
    public List<FieldViolation> violations() {
        return violations;
    }

    private static String summary(String context, List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid input needs at least one violation");
        }
        return violations.stream()
                .map(v -> v.field() + ": " + v.description())
                .collect(Collectors.joining("; ", context + ": ", ""));
    }
}
