/**
 * The HTTP listener ({@code --http-port}, 8000): the KServe v2 REST API, Triton's HTTP extensions
 * (binary tensors, repository, statistics, configuration, logging, trace, shared memory, compression),
 * the web console's API and the OpenAI-compatible API, on Netty's HTTP/1.1 codec. It translates each request into the gRPC
 * call it means and makes it in process, through the same interceptors as the network's (auth,
 * tenants, limits, drain, traces), so there is no second implementation of any behaviour; errors keep
 * their meaning as HTTP statuses with a JSON body {@code {"error": "..."}}.
 */
package io.llmaos.server.api.http;
