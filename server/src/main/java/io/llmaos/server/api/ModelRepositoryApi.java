package io.llmaos.server.api;

import io.llmaos.proto.v1.ModelRepositoryServiceGrpc;

/**
 * {@code llmaos.v1.ModelRepositoryService}: model listing, loading, unloading and watching. Registered so that clients and reflection see the whole
 * contract; every RPC answers UNIMPLEMENTED until the model layer provides it.
 */
final class ModelRepositoryApi extends ModelRepositoryServiceGrpc.ModelRepositoryServiceImplBase {
}
