package io.llmaos.server.core.error;

import java.util.Objects;

/**
 * One thing wrong with one field of a request: {@code field} is a path such as
 * {@code inputs[0].shape}, {@code description} says what is wrong and what was expected. Both are
 * bounded ({@link Echo}): a field path to {@value Echo#NAME_CHARS} characters, a description to
 * {@value #DESCRIPTION_CHARS}, whatever they quote of the request.
 */
public record FieldViolation(String field, String description) {
    /** The most characters of a description. */
    public static final int DESCRIPTION_CHARS = 240;

    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(description, "description");
        field = field.length() <= Echo.NAME_CHARS ? field : Echo.cut(field);
        description =
                description.length() <= DESCRIPTION_CHARS ? description : Echo.cut(description, DESCRIPTION_CHARS);
    }
}
