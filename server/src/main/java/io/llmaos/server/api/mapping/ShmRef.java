package io.llmaos.server.api.mapping;

import io.llmaos.proto.oip.InferParameter;
import io.llmaos.server.core.error.InvalidInputException;
import java.util.Map;

/**
 * Where a tensor lives in system shared memory, as Triton's parameters say: "shared_memory_region"
 * (string), "shared_memory_offset" (integer, default 0), "shared_memory_byte_size" (integer).
 */
public record ShmRef(String region, long offset, long byteSize) {
    static final String REGION = "shared_memory_region";
    static final String OFFSET = "shared_memory_offset";
    static final String BYTE_SIZE = "shared_memory_byte_size";

    /** The reference a tensor's parameters make, or null; INVALID_ARGUMENT for an incomplete one. */
    static ShmRef of(Map<String, InferParameter> parameters, String field) {
        InferParameter region = parameters.get(REGION);
        if (region == null) {
            if (parameters.containsKey(OFFSET) || parameters.containsKey(BYTE_SIZE)) {
                throw new InvalidInputException(
                        field + ".parameters[" + REGION + "]", "is required with an offset or size");
            }
            return null;
        }
        if (region.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.STRING_PARAM) {
            throw new InvalidInputException(field + ".parameters[" + REGION + "]", "must be a string_param");
        }
        InferParameter size = parameters.get(BYTE_SIZE);
        if (size == null) {
            throw new InvalidInputException(field + ".parameters[" + BYTE_SIZE + "]", "is required with a region");
        }
        InferParameter offset = parameters.get(OFFSET);
        long o = offset == null ? 0 : Parameters.integer(offset, field + ".parameters[" + OFFSET + "]");
        long s = Parameters.integer(size, field + ".parameters[" + BYTE_SIZE + "]");
        if (o < 0 || s < 0) {
            throw new InvalidInputException(
                    field + ".parameters", "shared-memory offset and size must not be negative");
        }
        return new ShmRef(region.getStringParam(), o, s);
    }

    /** These parameters, as a response's output tensor carries them. */
    Map<String, InferParameter> parameters(long written) {
        return Map.of(
                REGION, InferParameter.newBuilder().setStringParam(region).build(),
                OFFSET, InferParameter.newBuilder().setInt64Param(offset).build(),
                BYTE_SIZE, InferParameter.newBuilder().setInt64Param(written).build());
    }
}
