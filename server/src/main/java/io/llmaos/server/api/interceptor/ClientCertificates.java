package io.llmaos.server.api.interceptor;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.llmaos.server.core.request.Names;
import io.llmaos.server.security.Identity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The tenant a client certificate names under mutual TLS: the common name (CN) of its subject,
 * when that is a valid tenant name. Used when no token names the caller.
 */
final class ClientCertificates {
    private ClientCertificates() {}

    /**
     * The identity of the call's client certificate (roles are not its to give), or null without one:
     * the TLS session's, or for a call of the HTTP listener the one its request's session showed
     * ({@link HttpPeer}).
     */
    static Identity identity(Attributes transport) {
        SSLSession session = transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        String cn = session != null ? tenantOf(session) : HttpPeer.of(io.grpc.Context.current());
        return cn != null ? new Identity(cn, Set.of(), "client certificate") : null;
    }

    /** The tenant the verified client certificate of {@code session} names, or null. */
    static String tenantOf(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            String cn = commonName(leaf.getSubjectX500Principal().getName());
            return cn != null && Names.isTenant(cn) ? cn : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static String commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
