package io.llmaos.server.api;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on the client connections open at once. gRPC has no setting for it, so the listening
 * channel gets a handler ahead of the one that sets accepted connections up: a connection beyond the
 * bound is closed at once, before any TLS or HTTP/2 work is spent on it. The event loops
 * are the transport gRPC would pick itself (epoll where available, else NIO), made here because gRPC
 * takes a channel factory only together with its event loops; they are shut down with the server.
 */
final class ConnectionLimit {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final boolean epoll = Epoll.isAvailable();

    /** @param max the most connections open at once (at least 1) */
    ConnectionLimit(int max) {
        this.max = max;
        this.boss = group(1, "llmaos-grpc-boss");
        this.workers = group(0, "llmaos-grpc-worker");
    }

    private EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    EventLoopGroup boss() {
        return boss;
    }

    EventLoopGroup workers() {
        return workers;
    }

    /** Listening channels that pass on accepted connections only while fewer than the bound are open. */
    ChannelFactory<ServerChannel> channels() {
        return () -> {
            ServerChannel channel = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
            channel.pipeline().addLast(new Gate());
            return channel;
        };
    }

    void shutdown() {
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }

    @ChannelHandler.Sharable
    private final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                // not yet registered with an event loop: closed without any handshake
                child.unsafe().closeForcibly();
                return;
            }
            child.closeFuture().addListener(f -> open.decrementAndGet());
            ctx.fireChannelRead(msg);
        }
    }
}
