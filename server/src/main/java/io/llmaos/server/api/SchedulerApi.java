package io.llmaos.server.api;

import io.llmaos.proto.v1.SchedulerServiceGrpc;

/**
 * {@code llmaos.v1.SchedulerService}: scheduler statistics and policies. Registered so that clients and reflection see the whole
 * contract; every RPC answers UNIMPLEMENTED until the scheduling layer provides it.
 */
final class SchedulerApi extends SchedulerServiceGrpc.SchedulerServiceImplBase {
}
