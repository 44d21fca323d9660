package io.llmaos.server.api;

/**
 * The gRPC port's TLS as JSSE managers, for another listener of the same server (the HTTP port) to
 * present the same certificate and ask for the same client certificates: the managers re-read the PEM
 * files when they change, so both listeners pick a new certificate up together.
 *
 * @param keys    the server's certificate chain and key
 * @param clients the CAs a client's certificate must chain to (mutual TLS), or null
 */
public record TlsManagers(javax.net.ssl.KeyManager keys, javax.net.ssl.TrustManager clients) {}
