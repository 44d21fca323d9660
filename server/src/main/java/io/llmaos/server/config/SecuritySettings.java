package io.llmaos.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;

/**
 * Authentication and TLS, as resolved from the settings, and the binding rule: a server without
 * authentication (tokens, or clients proven by mutual TLS) listens only on loopback, unless
 * {@code --insecure} accepts the risk.
 *
 * @param authTokens  the auth-tokens file, or null when authentication is off
 * @param tlsCert     the server's certificate chain, or null for plaintext
 * @param tlsKey      the server's private key, or null for plaintext
 * @param tlsClientCa the CAs client certificates must chain to (mutual TLS), or null
 * @param insecure    a non-loopback host without authentication was accepted
 */
public record SecuritySettings(Path authTokens, Path tlsCert, Path tlsKey, Path tlsClientCa, boolean insecure) {
    /** No authentication, no TLS: the defaults, for a loopback server. */
    public static SecuritySettings none() {
        return new SecuritySettings(null, null, null, null, false);
    }

    /** Whether calls need a bearer token. */
    public boolean authOn() {
        return authTokens != null;
    }

    /** Whether the port speaks TLS. */
    public boolean tlsOn() {
        return tlsCert != null;
    }

    /**
     * The settings, with each inconsistency added to {@code problems} (then the result is null):
     * a certificate without its key or the other way round, client CAs without TLS, and a
     * non-loopback {@code host} without authentication or {@code --insecure}.
     */
    static SecuritySettings check(
            String host,
            Path authTokens,
            Path tlsCert,
            Path tlsKey,
            Path tlsClientCa,
            boolean insecure,
            List<String> problems) {
        int before = problems.size();
        if ((tlsCert == null) != (tlsKey == null)) {
            problems.add("tls-cert and tls-key go together: give both (TLS) or neither (plaintext)");
        }
        if (tlsClientCa != null && tlsCert == null) {
            problems.add("tls-client-ca (mutual TLS) needs TLS: give tls-cert and tls-key too");
        }
        if (authTokens == null && tlsClientCa == null && !insecure && !loopback(host)) {
            problems.add("refusing to listen on " + host + " without authentication: anyone who can reach it could"
                    + " run and manage models. Give --auth-tokens FILE (or mutual TLS with --tls-client-ca), or"
                    + " --insecure to accept the risk");
        }
        return problems.size() > before
                ? null
                : new SecuritySettings(authTokens, tlsCert, tlsKey, tlsClientCa, insecure && !loopback(host));
    }

    private static boolean loopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
