/**
 * The server's error vocabulary, shared by every layer and imported from no other server package:
 * {@link io.llmaos.server.core.error.ErrorCode}, the exception family every layer throws (the API's
 * {@code StatusMapper} alone turns them into gRPC statuses), field violations, and {@link
 * io.llmaos.server.core.error.Echo}, which bounds what an error message quotes of a request.
 */
package io.llmaos.server.core.error;
