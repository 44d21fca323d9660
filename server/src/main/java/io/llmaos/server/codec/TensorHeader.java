package io.llmaos.server.codec;

import io.llmaos.server.core.tensor.DataType;

/**
 * The name, type and shape of a tensor in a request, read before its contents are touched, so it
 * can be validated before anything is allocated. {@code field} is its path in the request, e.g.
 * {@code inputs[1]}; {@code type} is null when the request's datatype is unknown.
 */
public record TensorHeader(String field, String name, DataType type, long[] shape) {}
