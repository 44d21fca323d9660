package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.InferParameter;
import io.llmaos.server.core.error.InvalidInputException;
import java.util.Locale;

/** Values of Open Inference Protocol parameters, read as Triton's clients send them. */
final class Parameters {
    private Parameters() {}

    /** An integer parameter (int64_param or uint64_param). */
    static long integer(InferParameter p, String field) {
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> p.getInt64Param();
            case UINT64_PARAM -> p.getUint64Param();
            default ->
                throw new InvalidInputException(
                        field, "must be an integer (int64_param or uint64_param), not " + kind(p));
        };
    }

    /** A real parameter (double_param, or an integer). */
    static double real(InferParameter p, String field) {
        return switch (p.getParameterChoiceCase()) {
            case DOUBLE_PARAM -> p.getDoubleParam();
            case INT64_PARAM -> p.getInt64Param();
            case UINT64_PARAM -> p.getUint64Param();
            default ->
                throw new InvalidInputException(field, "must be a number (double_param or an integer), not " + kind(p));
        };
    }

    private static String kind(InferParameter p) {
        return p.getParameterChoiceCase().name().toLowerCase(Locale.ROOT);
    }
}
