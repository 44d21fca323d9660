package io.llmaos.server.api.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP port's connections, bounded as the gRPC port's: at most {@code --max-connections} open at
 * once (one beyond is closed as it arrives, before any TLS or HTTP work), and, when
 * {@code --max-connection-idle} is set, a kept-alive connection with no request in progress is closed
 * after that long without traffic. A request being answered, a stream of events included, keeps its
 * connection however quiet. No timer runs for a port without connections.
 */
final class HttpConnections {
    /** The requests of a connection not yet answered. */
    private static final AttributeKey<AtomicInteger> IN_PROGRESS = AttributeKey.valueOf("llmaos-http-in-progress");

    private final int max;
    private final Duration idle;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max  the most connections open at once (0: no bound)
     * @param idle how long a connection with nothing in progress may stay quiet ({@link Duration#ZERO}: forever)
     */
    HttpConnections(int max, Duration idle) {
        this.max = max;
        this.idle = idle;
    }

    /** For the listening channel: passes on accepted connections only while fewer than the bound are open. */
    ChannelHandler gate() {
        return new Gate();
    }

    /**
     * Readies a new connection, its pipeline built: when connections idle out, counts its requests in
     * progress and closes it once idle with none (nothing when they never idle out).
     */
    void watch(Channel connection) {
        if (!idle.isZero()) {
            connection.attr(IN_PROGRESS).set(new AtomicInteger()); // counted only where idleness is watched
            // first, where it sees every byte read and written; the closer last, where the event arrives
            connection.pipeline().addFirst(new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS));
            connection.pipeline().addLast(new IdleCloser());
        }
    }

    /** A request of {@code connection} began. */
    static void began(Channel connection) {
        AtomicInteger n = connection.attr(IN_PROGRESS).get();
        if (n != null) {
            n.incrementAndGet();
        }
    }

    /** A request of {@code connection} has had its whole answer. */
    static void answered(Channel connection) {
        AtomicInteger n = connection.attr(IN_PROGRESS).get();
        if (n != null) {
            n.decrementAndGet();
        }
    }

    @ChannelHandler.Sharable
    private final class Gate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (open.incrementAndGet() > max && max > 0) {
                open.decrementAndGet();
                child.unsafe().closeForcibly(); // not yet registered: closed without any handshake
                return;
            }
            child.closeFuture().addListener(f -> open.decrementAndGet());
            ctx.fireChannelRead(msg);
        }
    }

    /** Closes the connection when it has been quiet for the idle time with no request in progress. */
    private static final class IdleCloser extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                AtomicInteger n = ctx.channel().attr(IN_PROGRESS).get();
                if (n == null || n.get() <= 0) {
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }
    }
}
