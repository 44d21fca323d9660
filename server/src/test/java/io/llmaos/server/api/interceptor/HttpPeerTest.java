package io.llmaos.server.api.interceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.llmaos.proto.oip.GRPCInferenceServiceGrpc;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterRequest;
import io.llmaos.proto.oip.SystemSharedMemoryRegisterResponse;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * An HTTP request's in-process call is seen as coming from the HTTP client's address: shared-memory
 * registration from a loopback HTTP client is let through, from any other address refused, as on the
 * network port.
 */
class HttpPeerTest {
    @Test
    void theHttpClientsAddressIsTheCallsPeer() throws Exception {
        String name = "http-peer-" + System.nanoTime();
        Server server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void systemSharedMemoryRegister(
                            SystemSharedMemoryRegisterRequest request,
                            StreamObserver<SystemSharedMemoryRegisterResponse> done) {
                        done.onNext(SystemSharedMemoryRegisterResponse.getDefaultInstance());
                        done.onCompleted();
                    }
                })
                .intercept(new LocalSharedMemory())
                .intercept(HttpPeer.interceptor())
                .build()
                .start();
        ManagedChannel channel =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            assertEquals(
                    Status.Code.OK, register(channel, HttpPeer.address(new InetSocketAddress("127.0.0.1", 40000))));
            assertEquals(Status.Code.OK, register(channel, HttpPeer.address(new InetSocketAddress("::1", 40000))));
            assertEquals(
                    Status.Code.PERMISSION_DENIED,
                    register(channel, HttpPeer.address(new InetSocketAddress("10.1.2.3", 40000))));
            assertEquals(Status.Code.PERMISSION_DENIED, register(channel, null), "no HTTP client: in process");
            assertEquals(Status.Code.PERMISSION_DENIED, register(channel, "not an address"));
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    @Test
    void onlyAnIpLiteralAndAPortParse() {
        assertEquals(new InetSocketAddress("10.0.0.1", 80), HttpPeer.parse("10.0.0.1 80"));
        assertNull(HttpPeer.parse(null));
        assertNull(HttpPeer.parse("10.0.0.1"));
        assertNull(HttpPeer.parse("10.0.0.1 port"));
    }

    private static Status.Code register(ManagedChannel channel, String address) {
        Metadata headers = new Metadata();
        if (address != null) {
            headers.put(Metadata.Key.of(HttpPeer.ADDRESS_HEADER, Metadata.ASCII_STRING_MARSHALLER), address);
        }
        try {
            GRPCInferenceServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .systemSharedMemoryRegister(SystemSharedMemoryRegisterRequest.getDefaultInstance());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
