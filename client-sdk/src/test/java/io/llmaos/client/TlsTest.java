package io.llmaos.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The client's TLS path against a TLS gRPC server (grpc-java's own health service behind a
 * self-signed certificate for "localhost"): trusted with the certificate, refused without it.
 */
class TlsTest {
    @Test
    void aClientTrustingTheCertificateTalksTlsAndOneWithoutItIsRefused() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(cert.certificate(), cert.privateKey())
                        .build())
                .addService(health.getHealthService())
                .build()
                .start();
        try {
            String target = "localhost:" + server.getPort();
            try (LlmaosClient client = LlmaosClient.builder()
                    .target(target)
                    .useTls(cert.certificate())
                    .build()) {
                assertTrue(client.isServing());
            }
            try (LlmaosClient untrusting = LlmaosClient.builder()
                    .target(target)
                    .useTls()
                    .maxAttempts(1)
                    .build()) {
                LlmaosClientException e = assertThrows(LlmaosClientException.class, untrusting::isServing);
                assertEquals(io.grpc.Status.Code.UNAVAILABLE, e.code(), e.getMessage());
            }
        } finally {
            server.shutdownNow();
            cert.delete();
        }
    }
}
