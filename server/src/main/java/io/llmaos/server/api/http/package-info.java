/**
 * The HTTP listener ({@code --http-port}, 8000): the KServe v2 REST API and Triton's REST extensions
 * (binary tensors, repository), on Netty's HTTP/1.1 codec. It translates each request into the gRPC
 * call it means and makes it in process, through the same interceptors as the network's (auth,
 * tenants, limits, drain, traces), so there is no second implementation of any behaviour; errors keep
 * their meaning as HTTP statuses with a JSON body {@code {"error": "..."}}.
 */
package io.llmaos.server.api.http;
