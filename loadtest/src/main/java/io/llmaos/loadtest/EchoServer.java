package io.llmaos.loadtest;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The transport's limit: a bare grpc-java unary echo (bytes in, the same bytes out) on Netty, with
 * the executor named on the command line ("fixed" = a pool of 4 threads, the best measured here;
 * "default" = gRPC's cached pool). A second argument holds each call for that many microseconds
 * (busy, on the executor thread) before it answers: the transport's limit for a model whose engine
 * takes that long, since on these machines an answer after a millisecond of work costs more to
 * deliver than one after none (an idle CPU is slower to wake). Run as its own process beside the
 * server under test.
 */
public final class EchoServer {
    /** {@code bench.Echo/Echo}: raw bytes both ways, no protobuf parsing. */
    public static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(new BytesMarshaller())
            .setResponseMarshaller(new BytesMarshaller())
            .build();

    private EchoServer() {}

    public static void main(String[] args) throws Exception {
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
        if (args.length == 0 || args[0].equals("fixed")) {
            b.executor(Executors.newFixedThreadPool(4));
        }
        long holdNanos = args.length > 1 ? Long.parseLong(args[1]) * 1000 : 0;
        Server server = b.addService(ServerServiceDefinition.builder("bench.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            hold(holdNanos);
                            response.onNext(request);
                            response.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        System.out.println("echo serving on 127.0.0.1:" + server.getPort());
        server.awaitTermination();
    }

    /** Busy for {@code nanos}, as an engine call would be. */
    private static void hold(long nanos) {
        if (nanos > 0) {
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }

    /** Passes bytes through untouched. */
    static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
