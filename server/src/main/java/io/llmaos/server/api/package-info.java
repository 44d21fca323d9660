/**
 * The interaction layer's gRPC edge: the one Netty server ({@link io.llmaos.server.api.GrpcEndpoint})
 * with its limits, health, reflection and graceful drain, and thin service classes that validate a
 * request, map it to core values, call the layers below and map the result back. This package (with
 * its sub-packages) is the only one that imports {@code io.grpc} or the generated contract classes.
 */
package io.llmaos.server.api;
