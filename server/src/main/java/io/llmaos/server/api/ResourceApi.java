package io.llmaos.server.api;

import io.llmaos.proto.v1.ResourceServiceGrpc;

/**
 * {@code llmaos.v1.ResourceService}: resource snapshots. Registered so that clients and reflection see the whole
 * contract; every RPC answers UNIMPLEMENTED until the resource layer provides it.
 */
final class ResourceApi extends ResourceServiceGrpc.ResourceServiceImplBase {
}
