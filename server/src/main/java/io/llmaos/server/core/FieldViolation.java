package io.llmaos.server.core;

import java.util.Objects;

/**
 * One thing wrong with one field of a request: {@code field} is a path such as
 * {@code inputs[0].shape}, {@code description} says what is wrong and what was expected.
 */
public record FieldViolation(String field, String description) {
    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(description, "description");
    }
}
