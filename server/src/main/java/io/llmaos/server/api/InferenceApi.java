package io.llmaos.server.api;

import io.llmaos.proto.v1.InferenceServiceGrpc;

/**
 * {@code llmaos.v1.InferenceService}: Infer, InferStream and Generate. Registered so that clients and reflection see the whole
 * contract; every RPC answers UNIMPLEMENTED until the scheduling and generation layers provides it.
 */
final class InferenceApi extends InferenceServiceGrpc.InferenceServiceImplBase {
}
