package io.llmaos.server.api.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request and its one answer: the method, path, headers and body read, and the answer written
 * once (from any thread: Netty queues the write on the connection's event loop). The body is copied
 * out of Netty's buffer, so nothing here needs releasing.
 */
final class HttpExchange {
    private final ChannelHandlerContext ctx;
    private final String method;
    private final String path;
    private final HttpHeaders headers;
    private final byte[] body;
    private final boolean keepAlive;
    private final AtomicBoolean answered = new AtomicBoolean();

    HttpExchange(
            ChannelHandlerContext ctx,
            String method,
            String path,
            HttpHeaders headers,
            byte[] body,
            boolean keepAlive) {
        this.ctx = ctx;
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.body = body;
        this.keepAlive = keepAlive;
    }

    String method() {
        return method;
    }

    String path() {
        return path;
    }

    /**
     * Whether the request's method is one of {@code wanted} (HEAD counts as GET); if not, answers 405
     * with an Allow header and returns false.
     */
    boolean takes(String... wanted) {
        for (String w : wanted) {
            if (method.equals(w) || (w.equals("GET") && method.equals("HEAD"))) {
                return true;
            }
        }
        String allow = String.join(", ", wanted);
        send(
                405,
                "application/json",
                Json.error(path + " takes " + allow + ", not " + method).getBytes(StandardCharsets.UTF_8),
                Map.of("Allow", allow));
        return false;
    }

    /** A request header, or null. */
    String header(String name) {
        return headers.get(name);
    }

    byte[] body() {
        return body;
    }

    /** Runs {@code action} when the client's connection closes (a call in flight is cancelled then). */
    void onClose(Runnable action) {
        ctx.channel().closeFuture().addListener(f -> action.run());
    }

    /** The HTTP client's address. */
    java.net.SocketAddress remote() {
        return ctx.channel().remoteAddress();
    }

    /** The tenant the client's mutual-TLS certificate names, or null (plaintext, or no such certificate). */
    String peerTenant() {
        io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        return tls == null
                ? null
                : io.llmaos.server.api.interceptor.HttpPeer.tenantOf(
                        tls.engine().getSession());
    }

    /** Answers with a JSON body. */
    void json(int status, String json) {
        send(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Answers with no body. */
    void empty(int status) {
        send(status, null, new byte[0], Map.of());
    }

    /** Answers {@code {"error": message}} with {@code status} and {@code extra} headers (e.g. Retry-After). */
    void error(int status, String message, Map<String, String> extra) {
        send(status, "application/json", Json.error(message).getBytes(StandardCharsets.UTF_8), extra);
    }

    /**
     * Starts a Server-Sent Events answer (200, text/event-stream, chunked); {@link #event} sends each
     * event and {@link #endEvents} ends it. False when the exchange was already answered.
     */
    boolean startEvents() {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        io.netty.handler.codec.http.HttpResponse start =
                new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        start.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(start);
        return true;
    }

    /** Sends an SSE comment line (clients ignore it; it makes the headers and the stream flow). */
    void comment(String text) {
        ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(
                Unpooled.copiedBuffer(": " + text + "\n\n", StandardCharsets.UTF_8)));
    }

    /** Sends one event, {@code data: json} and a blank line. */
    void event(String json) {
        ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultHttpContent(
                Unpooled.copiedBuffer("data: " + json + "\n\n", StandardCharsets.UTF_8)));
    }

    /** Ends the events (and the connection when the client did not keep it alive). */
    void endEvents() {
        HttpConnections.answered(ctx.channel());
        var done = ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            done.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Answers with {@code bytes} of {@code contentType} (null for none) and {@code extra} headers. */
    void send(int status, String contentType, byte[] bytes, Map<String, String> extra) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        HttpConnections.answered(ctx.channel());
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        extra.forEach((k, v) -> response.headers().set(k, v));
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
