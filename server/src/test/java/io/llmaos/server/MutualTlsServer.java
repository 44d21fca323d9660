package io.llmaos.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.SelfSignedCertificate;
import io.llmaos.server.config.Setting;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real server behind mutual TLS and bearer tokens, with its self-signed certificate (for
 * "localhost") and a client certificate (common name {@code acme}) that its CA file trusts.
 */
public record MutualTlsServer(TestServer server, SelfSignedCertificate serverCert, SelfSignedCertificate clientCert)
        implements AutoCloseable {

    /** Starts one on the demo models with the tokens of {@code tokens}, loading {@code load}. */
    public static MutualTlsServer start(Path tokens, String load) throws Exception {
        SelfSignedCertificate serverCert = new SelfSignedCertificate("localhost");
        SelfSignedCertificate clientCert = new SelfSignedCertificate("acme");
        TestServer server = TestServer.start(
                TestServer.DEMO_MODELS,
                load,
                Map.of(
                        Setting.AUTH_TOKENS, tokens.toString(),
                        Setting.TLS_CERT, serverCert.certificate().toString(),
                        Setting.TLS_KEY, serverCert.privateKey().toString(),
                        Setting.TLS_CLIENT_CA, clientCert.certificate().toString()));
        return new MutualTlsServer(server, serverCert, clientCert);
    }

    public int port() {
        return server.server().port();
    }

    /** A channel presenting the client certificate and trusting the server's. */
    public ManagedChannel channel() throws javax.net.ssl.SSLException {
        return NettyChannelBuilder.forAddress("127.0.0.1", port())
                .overrideAuthority("localhost")
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(serverCert.certificate())
                        .keyManager(clientCert.certificate(), clientCert.privateKey())
                        .build())
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
    }
}
