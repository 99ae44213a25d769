package dev.twitterarch.step6;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import dev.twitterarch.common.auth.ActingUserResolver;
import dev.twitterarch.common.info.LiveFeed;
import dev.twitterarch.common.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /api/feed/live}: a WebSocket that receives the reader's new feed entries as they
 * happen (frames {@code {"type":"tweet","tweet":{...}}} and {@code {"type":"deleted","tweet_id":N}},
 * see the README). The handshake is authenticated like every request ({@link ActingUserResolver}:
 * a bearer token, which a browser sends as {@code ?access_token=}, or a trusted {@code X-User-ID});
 * what it refuses is answered with the API's problem detail (401, 405, 426, or 503 while RabbitMQ is
 * away), never with an upgrade.
 */
class LiveFeedSocket extends TextWebSocketHandler implements HandshakeInterceptor, LiveFeed {

    static final String PATH = "/api/feed/live";

    private static final Logger log = LoggerFactory.getLogger(LiveFeedSocket.class);
    private static final String USER = "twitter.live.user";
    /** Tomcat's own bound of one blocking send (20 s by default): a dead socket must not hold a sender that long. */
    private static final String TOMCAT_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final ActingUserResolver users;
    private final LiveSessions sessions;
    private final LiveSubscription subscription;
    private final HandlerExceptionResolver problems;
    private final Duration sendTimeLimit;

    LiveFeedSocket(ActingUserResolver users, LiveSessions sessions, LiveSubscription subscription,
                   HandlerExceptionResolver problems, Duration sendTimeLimit) {
        this.users = users;
        this.sessions = sessions;
        this.subscription = subscription;
        this.problems = problems;
        this.sendTimeLimit = sendTimeLimit;
    }

    @Override
    public String path() {
        return PATH;
    }

    // --- the handshake ------------------------------------------------------------------------------

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        HttpServletRequest servletRequest = ((ServletServerHttpRequest) request).getServletRequest();
        HttpServletResponse servletResponse = ((ServletServerHttpResponse) response).getServletResponse();
        try {
            if (request.getMethod() != HttpMethod.GET) {
                servletResponse.setHeader(HttpHeaders.ALLOW, "GET");
                throw new ApiException(HttpStatus.METHOD_NOT_ALLOWED, PATH + " is a WebSocket: open it with GET and "
                        + "'Upgrade: websocket' (request method " + request.getMethod() + " is not supported)");
            }
            if (!"websocket".equalsIgnoreCase(request.getHeaders().getFirst(HttpHeaders.UPGRADE))) {
                servletResponse.setHeader(HttpHeaders.UPGRADE, "websocket");
                throw new ApiException(HttpStatus.UPGRADE_REQUIRED, PATH + " is a WebSocket: open it with header"
                        + " 'Upgrade: websocket' (a browser's new WebSocket(...) does); to read the feed over HTTP, GET /api/feed/");
            }
            long user = users.resolve(servletRequest).id();
            if (!subscription.ready()) {
                throw ApiException.unavailable("live delivery is unavailable while RabbitMQ is unreachable; the feed itself"
                        + " works (GET /api/feed/), and this socket can be opened again shortly", Duration.ofSeconds(5));
            }
            attributes.put(USER, user);
            return true;
        } catch (ApiException refused) {
            problems.resolveException(servletRequest, servletResponse, null, refused);
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
    }

    // --- the socket ---------------------------------------------------------------------------------

    @Override
    public void afterConnectionEstablished(WebSocketSession socket) throws IOException {
        if (socket instanceof NativeWebSocketSession raw && raw.getNativeSession() instanceof jakarta.websocket.Session tomcat) {
            tomcat.getUserProperties().put(TOMCAT_SEND_TIMEOUT, sendTimeLimit.toMillis());
        }
        try {
            sessions.opened(userOf(socket), socket);
        } catch (IOException | RuntimeException e) {
            log.info("live: a socket of reader {} is closed at once, its events cannot be routed: {}", userOf(socket), e.toString());
            socket.close(CloseStatus.SERVICE_RESTARTED.withReason("live delivery is unavailable now; reconnect shortly"));
        }
    }

    /** The page sends nothing; whatever a client sends is ignored. */
    @Override
    protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
    }

    @Override
    public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
        sessions.closed(userOf(socket), socket);
    }

    @Override
    public void handleTransportError(WebSocketSession socket, Throwable exception) throws IOException {
        log.debug("live: transport error on a socket of reader {}: {}", userOf(socket), exception.toString());
        if (socket.isOpen()) {
            socket.close(CloseStatus.SERVER_ERROR);
        }
    }

    private static long userOf(WebSocketSession socket) {
        return (Long) socket.getAttributes().get(USER);
    }
}
