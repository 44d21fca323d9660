package io.llmaos.server.api;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import io.llmaos.server.config.SecuritySettings;
import io.llmaos.server.security.FileWatcher;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS of the gRPC port (and of the HTTP port, through {@link #managers}) from PEM files: the server's certificate chain and key, and for mutual TLS
 * the CAs a client's certificate must chain to. The files are re-read when they change; new
 * connections get the new credentials, open ones keep theirs, and a change that does not parse
 * keeps the previous credentials (with a warning).
 */
final class ServerTls implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final SecuritySettings settings;
    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager clients;
    private final FileWatcher watcher;
    private volatile List<byte[]> contents;

    /** Reads the files (failing when they do not parse) and starts watching them. */
    ServerTls(SecuritySettings settings) {
        this.settings = settings;
        try {
            contents = read();
            loadKeys();
            if (settings.tlsClientCa() != null) {
                clients = AdvancedTlsX509TrustManager.newBuilder()
                        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                        .build();
                loadClientCas();
            } else {
                clients = null;
            }
            List<Path> files = new ArrayList<>(List.of(settings.tlsCert(), settings.tlsKey()));
            if (settings.tlsClientCa() != null) {
                files.add(settings.tlsClientCa());
            }
            watcher = new FileWatcher("llmaos-tls", files, this::reload);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS: the certificate, key or CA files do not parse: " + e, e);
        }
    }

    /** The same credentials as JSSE managers (they follow the files as the port's do). */
    TlsManagers managers() {
        return new TlsManagers(keys, clients);
    }

    /** The credentials of the port: our key, and for mutual TLS a required client certificate. */
    ServerCredentials credentials() {
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keys);
        if (clients != null) {
            b.trustManager(clients).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return b.build();
    }

    private void loadKeys() throws IOException, GeneralSecurityException {
        try (InputStream cert = Files.newInputStream(settings.tlsCert());
                InputStream key = Files.newInputStream(settings.tlsKey())) {
            keys.updateIdentityCredentials(
                    CertificateUtils.getX509Certificates(cert), CertificateUtils.getPrivateKey(key));
        }
    }

    private void loadClientCas() throws IOException, GeneralSecurityException {
        try (InputStream cas = Files.newInputStream(settings.tlsClientCa())) {
            clients.updateTrustCredentials(CertificateUtils.getX509Certificates(cas));
        }
    }

    private List<byte[]> read() throws IOException {
        List<byte[]> all = new ArrayList<>();
        for (Path p : java.util.Arrays.asList(settings.tlsCert(), settings.tlsKey(), settings.tlsClientCa())) {
            all.add(p == null ? new byte[0] : Files.readAllBytes(p));
        }
        return all;
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Re-reads the files if their bytes changed. */
    private void reload() {
        try {
            List<byte[]> now = read();
            if (same(now, contents)) {
                return;
            }
            loadKeys();
            if (clients != null) {
                loadClientCas();
            }
            contents = now;
            log.info("TLS: certificate files re-read");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn(
                    "TLS: the changed certificate files could not be read ({}); keeping the previous ones",
                    e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
