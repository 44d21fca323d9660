package io.llmaos.server.api.http;

import io.grpc.ManagedChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: Netty's HTTP/1.1 codec on {@code --http-port} (the gRPC host), request bodies
 * limited like gRPC messages (413 beyond), each request routed to the gRPC call it means over an
 * in-process channel. Two event-loop threads accept and read; nothing here blocks them, since every
 * call is asynchronous and its answer is written when it completes.
 */
public final class HttpEndpoint {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private final String host;
    private final int port;
    private final int maxBody;
    private final HttpConnections connections;
    private final io.netty.handler.codec.http.cors.CorsConfig cors;
    private final ManagedChannel local;
    private final V2Routes v2;
    private final TritonRoutes triton;
    private final ConsoleRoutes console;
    private final OpenAiRoutes openAi;
    private final io.llmaos.server.api.TlsManagers tls;
    private io.netty.handler.ssl.SslContext ssl;
    private EventLoopGroup loops;
    private Channel server;

    /**
     * @param local    the in-process channel to the gRPC services (closed with the endpoint)
     * @param limits   the largest body, the connections and their idle time, the CORS origins
     * @param tls      the gRPC port's TLS (its certificate and key, and client CAs for mutual TLS, re-read
     *                 when the files change), or null for plaintext
     */
    public HttpEndpoint(
            String host, int port, Limits limits, ManagedChannel local, io.llmaos.server.api.TlsManagers tls) {
        this.host = host;
        this.port = port;
        this.maxBody = limits.maxBody();
        this.connections = new HttpConnections(limits.maxConnections(), limits.idle());
        this.cors = Cors.config(limits.corsOrigins());
        this.local = local;
        this.tls = tls;
        GrpcBridge bridge = new GrpcBridge(local);
        this.v2 = new V2Routes(bridge);
        this.triton = new TritonRoutes(bridge);
        this.console = new ConsoleRoutes(bridge);
        this.openAi = new OpenAiRoutes(bridge, java.time.Clock.systemUTC());
    }

    /**
     * What the port accepts.
     *
     * @param maxBody        the largest request body, in bytes (413 beyond)
     * @param maxConnections connections open at once (0: no bound), as the gRPC port's
     * @param idle           how long a connection with no request in progress may stay quiet (zero: forever)
     * @param corsOrigins    web origins whose pages may call the port ("*": any; empty: no CORS)
     */
    public record Limits(int maxBody, int maxConnections, java.time.Duration idle, java.util.List<String> corsOrigins) {
        public Limits {
            corsOrigins = java.util.List.copyOf(corsOrigins);
        }
    }

    /** Binds the port. */
    public void start() throws java.io.IOException {
        if (tls != null) {
            try {
                io.netty.handler.ssl.SslContextBuilder b = io.netty.handler.ssl.SslContextBuilder.forServer(tls.keys());
                if (tls.clients() != null) {
                    b.trustManager(tls.clients()).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
                }
                ssl = b.build();
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new java.io.IOException("the HTTP port's TLS: " + e.getMessage(), e);
            }
        }
        loops = new MultiThreadIoEventLoopGroup(
                2, new DefaultThreadFactory("llmaos-http", true), NioIoHandler.newFactory());
        try {
            server = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    .handler(connections.gate())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                            }
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    // bodies sent with Content-Encoding gzip or deflate (tritonclient.http's
                                    // request_compression_algorithm); the limit applies to the decompressed body
                                    .addLast(new io.netty.handler.codec.http.HttpContentDecompressor(0))
                                    .addLast(new Compressor())
                                    .addLast(new HttpServerKeepAliveHandler())
                                    .addLast(new HttpObjectAggregator(maxBody));
                            if (cors != null) {
                                ch.pipeline().addLast(new io.netty.handler.codec.http.cors.CorsHandler(cors));
                            }
                            ch.pipeline().addLast(new Requests());
                            connections.watch(ch);
                        }
                    })
                    .bind(new InetSocketAddress(host, port))
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while binding the HTTP port " + port);
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new java.io.IOException("the HTTP port " + port + ": " + e.getMessage(), e);
        }
        log.info("HTTP (KServe v2 REST) on {}:{}{}", host, port(), ssl == null ? "" : " with TLS");
    }

    /** The port bound. */
    public int port() {
        return server == null ? port : ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops listening, closes the connections and the in-process channel. */
    public void stop() {
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        local.shutdownNow();
    }

    /**
     * Compresses an answer of 1 KiB or more with gzip or deflate when the request's Accept-Encoding asks
     * for it (tritonclient.http's response_compression_algorithm); never a stream of Server-Sent Events,
     * whose events must reach the client as they are written.
     */
    private static final class Compressor extends io.netty.handler.codec.http.HttpContentCompressor {
        Compressor() {
            super(
                    1024,
                    io.netty.handler.codec.compression.StandardCompressionOptions.gzip(),
                    io.netty.handler.codec.compression.StandardCompressionOptions.deflate());
        }

        @Override
        protected Result beginEncode(io.netty.handler.codec.http.HttpResponse response, String acceptEncoding)
                throws Exception {
            String type = response.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_TYPE);
            return type != null && type.startsWith("text/event-stream")
                    ? null
                    : super.beginEncode(response, acceptEncoding);
        }
    }

    /** Reads each whole request and routes it; a request the routes refuse is answered here. */
    private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpConnections.began(ctx.channel());
            HttpExchange x = new HttpExchange(
                    ctx,
                    request.method().name(),
                    new QueryStringDecoder(request.uri()).path(),
                    request.headers(),
                    ByteBufUtil.getBytes(request.content()),
                    HttpUtil.isKeepAlive(request));
            if (!request.decoderResult().isSuccess()) {
                x.error(400, "the request is not valid HTTP", Map.of());
                return;
            }
            String encoding = request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_ENCODING);
            if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
                // one the decompressor does not know (gzip and deflate it has undone)
                x.error(
                        415,
                        "Content-Encoding " + io.llmaos.server.core.error.Echo.cut(encoding)
                                + " is not supported: send gzip, deflate or none",
                        Map.of("Accept-Encoding", "gzip, deflate"));
                return;
            }
            try {
                if (!v2.handle(x) && !triton.handle(x) && !openAi.handle(x) && !console.handle(x)) {
                    x.error(404, "no such endpoint: " + io.llmaos.server.core.error.Echo.cut(x.path()), Map.of());
                }
            } catch (IllegalArgumentException e) {
                x.error(400, e.getMessage(), Map.of());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a reset connection or a malformed frame: the connection goes, the server stays
            ctx.close();
        }
    }
}
