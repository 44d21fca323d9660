package io.llmaos.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import io.llmaos.proto.v1.GetStatsRequest;
import io.llmaos.proto.v1.InferenceServiceGrpc;
import io.llmaos.proto.v1.SchedulerServiceGrpc;
import io.llmaos.proto.v1.TenantStats;
import io.llmaos.server.DemoRequests;
import io.llmaos.server.TestServer;
import io.llmaos.server.config.Setting;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the real server from PEM files: a client trusting the server's certificate is served, a
 * plaintext or untrusting one is not; with mutual TLS a client without a certificate the CA signed
 * is refused at the handshake and the certificate's common name is the tenant; a replaced certificate is used by new connections without a restart.
 */
class TlsServerTest {
    private static final String MLP = "mlp-classifier";

    @TempDir
    Path dir;

    @Test
    void tlsServesTrustingClientsOnlyAndPicksUpANewCertificate() throws Exception {
        SelfSignedCertificate first = new SelfSignedCertificate("localhost");
        Path cert = copy(first.certificate(), "server.pem");
        Path key = copy(first.privateKey(), "server.key");
        int httpPort = freePort();
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                MLP,
                Map.of(
                        Setting.TLS_CERT,
                        cert.toString(),
                        Setting.TLS_KEY,
                        key.toString(),
                        Setting.HTTP_PORT,
                        String.valueOf(httpPort)))) {
            int port = server.server().port();
            // the HTTP port presents the same certificate
            assertEquals(200, httpsReady(httpPort, first.certificate()));
            assertThrows(javax.net.ssl.SSLException.class, () -> httpsReady(httpPort, null));
            ManagedChannel trusting = channel(port, SslContextBuilder.forClient(), first.certificate());
            try {
                InferenceServiceGrpc.newBlockingStub(trusting).infer(DemoRequests.mlpRequest(MLP));
            } finally {
                trusting.shutdownNow();
            }
            assertUnavailable(server.channel(), "a plaintext client");
            assertUnavailable(
                    channel(port, SslContextBuilder.forClient(), null), "a client not trusting the certificate");

            // the certificate is replaced as a secret update replaces it: whole files, moved into place
            SelfSignedCertificate second = new SelfSignedCertificate("localhost");
            Files.copy(second.privateKey().toPath(), dir.resolve("next.key"));
            Files.copy(second.certificate().toPath(), dir.resolve("next.pem"));
            Files.move(
                    dir.resolve("next.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(
                    dir.resolve("next.pem"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                ManagedChannel renewed = channel(port, SslContextBuilder.forClient(), second.certificate());
                try {
                    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health(renewed));
                    // and the HTTP port follows the same files
                    assertEquals(200, httpsReady(httpPort, second.certificate()));
                    break;
                } catch (StatusRuntimeException | javax.net.ssl.SSLException e) {
                    if (System.nanoTime() > end) {
                        throw new AssertionError("the new certificate was not used within 20 s", e);
                    }
                    Thread.sleep(100);
                } finally {
                    renewed.shutdownNow();
                }
            }
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateTheCaSigned() throws Exception {
        SelfSignedCertificate serverCert = new SelfSignedCertificate("localhost");
        SelfSignedCertificate clientCert = new SelfSignedCertificate("acme");
        SelfSignedCertificate stranger = new SelfSignedCertificate("stranger");
        Path ca = copy(clientCert.certificate(), "client-ca.pem");
        int httpPort = freePort();
        try (TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                MLP,
                Map.of(
                        Setting.TLS_CERT,
                                copy(serverCert.certificate(), "server.pem").toString(),
                        Setting.TLS_KEY,
                                copy(serverCert.privateKey(), "server.key").toString(),
                        Setting.TLS_CLIENT_CA, ca.toString(),
                        Setting.HTTP_PORT, String.valueOf(httpPort)))) {
            int port = server.server().port();
            ManagedChannel proven = channel(
                    port,
                    SslContextBuilder.forClient().keyManager(clientCert.certificate(), clientCert.privateKey()),
                    serverCert.certificate());
            try {
                InferenceServiceGrpc.newBlockingStub(proven).infer(DemoRequests.mlpRequest(MLP));
                // the certificate's common name is the tenant; a header may narrow it, not replace it
                InferenceServiceGrpc.newBlockingStub(ClientInterceptors.intercept(proven, tenant("acme.team-a")))
                        .infer(DemoRequests.mlpRequest(MLP));
                StatusRuntimeException spoof = assertThrows(
                        StatusRuntimeException.class,
                        () -> InferenceServiceGrpc.newBlockingStub(ClientInterceptors.intercept(proven, tenant("vip")))
                                .infer(DemoRequests.mlpRequest(MLP)));
                assertEquals(Status.Code.PERMISSION_DENIED, spoof.getStatus().getCode());
                var tenants = SchedulerServiceGrpc.newBlockingStub(proven)
                        .getStats(
                                GetStatsRequest.newBuilder().addModelNames(MLP).build())
                        .getModels(0)
                        .getTenantsList()
                        .stream()
                        .map(TenantStats::getTenant)
                        .collect(java.util.stream.Collectors.toSet());
                assertEquals(java.util.Set.of("acme", "acme.team-a"), tenants);
                // over HTTPS the certificate names the tenant too: narrowed by the header, never replaced
                assertEquals(200, httpsInfer(httpPort, clientCert, serverCert, "acme.team-b"));
                assertEquals(403, httpsInfer(httpPort, clientCert, serverCert, "vip"));
            } finally {
                proven.shutdownNow();
            }
            assertUnavailable(
                    channel(port, SslContextBuilder.forClient(), serverCert.certificate()),
                    "a client without a certificate");
            assertUnavailable(
                    channel(
                            port,
                            SslContextBuilder.forClient().keyManager(stranger.certificate(), stranger.privateKey()),
                            serverCert.certificate()),
                    "a client whose certificate the CA did not sign");
        }
    }

    private static io.grpc.ClientInterceptor tenant(String name) {
        io.grpc.Metadata h = new io.grpc.Metadata();
        h.put(io.grpc.Metadata.Key.of("x-llmaos-tenant", io.grpc.Metadata.ASCII_STRING_MARSHALLER), name);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(h);
    }

    /** POST /v2/models/MLP/infer over HTTPS with {@code client}'s certificate, naming {@code tenant}: the status. */
    private static int httpsInfer(int port, SelfSignedCertificate client, SelfSignedCertificate server, String tenant)
            throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        keys.load(null, null);
        char[] password = "test".toCharArray();
        keys.setKeyEntry("client", client.key(), password, new java.security.cert.Certificate[] {client.cert()});
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        java.security.KeyStore trusted = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("server", server.cert());
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        var connection = (javax.net.ssl.HttpsURLConnection)
                new java.net.URL("https://localhost:" + port + "/v2/models/" + MLP + "/infer").openConnection();
        connection.setSSLSocketFactory(ssl.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("x-llmaos-tenant", tenant);
        try (var out = connection.getOutputStream()) {
            out.write(("{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 16], \"datatype\": \"FP32\","
                            + " \"data\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    /** GET /v2/health/ready over HTTPS trusting {@code certificate} alone (null: the JDK's own CAs). */
    private static int httpsReady(int port, File certificate) throws Exception {
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManagerFactory trust =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        if (certificate == null) {
            trust.init((java.security.KeyStore) null);
        } else {
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            try (var in = Files.newInputStream(certificate.toPath())) {
                store.setCertificateEntry(
                        "server",
                        java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(in));
            }
            trust.init(store);
        }
        ssl.init(null, trust.getTrustManagers(), null);
        var connection = (javax.net.ssl.HttpsURLConnection)
                new java.net.URL("https://localhost:" + port + "/v2/health/ready").openConnection();
        connection.setSSLSocketFactory(ssl.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true); // the self-signed certificate names no host
        try {
            return connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Path copy(File file, String name) throws Exception {
        return Files.copy(file.toPath(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static ManagedChannel channel(int port, SslContextBuilder ssl, File trusted) throws Exception {
        if (trusted != null) {
            ssl.trustManager(trusted);
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.configure(ssl).build())
                .build();
    }

    private static HealthCheckResponse.ServingStatus health(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
    }

    private static void assertUnavailable(ManagedChannel channel, String who) {
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> health(channel), who);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), who + ": " + e.getStatus());
        } finally {
            if (!channel.isShutdown()) {
                channel.shutdownNow();
            }
        }
    }
}
