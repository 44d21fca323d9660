/**
 * Tensor contents between the contract messages and core tensors, for every datatype: typed
 * repeated fields or raw little-endian bytes in, typed or raw out, checked against the request's
 * {@link io.llmaos.server.codec.InputLimits} while decoding. Below the API so that the model layer
 * decodes a configuration's warmup samples itself; the API maps requests and responses with it.
 */
package io.llmaos.server.codec;
