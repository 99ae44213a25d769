package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One reader's live socket, as a page holds it ({@code /api/feed/live}), opened with the JDK's
 * WebSocket client: every text frame it receives is kept, in order, for the test to take.
 */
final class LiveClient implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private LiveClient(String name, WebSocket.Builder builder, URI uri) {
        this.name = name;
        this.socket = builder.connectTimeout(Duration.ofSeconds(10)).buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    frames.add(JSON.readTree(partial.toString()));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed = true;
                return null;
            }
        }).orTimeout(15, TimeUnit.SECONDS).join();
        JsonNode first = next(Duration.ofSeconds(15));
        assertThat(first.path("type").asString()).as("%s's first frame", name).isEqualTo("ready");
    }

    /** A socket of a user of a server that trusts X-User-ID; returns once the server said it is ready. */
    static LiveClient asHeader(String name, int port, long userId) {
        return new LiveClient(name, HttpClient.newHttpClient().newWebSocketBuilder().header("X-User-ID", Long.toString(userId)),
                URI.create("ws://127.0.0.1:" + port + LiveFeedSocket.PATH));
    }

    /** A socket opened as a browser opens it: the bearer token in the query. */
    static LiveClient withToken(String name, int port, String token) {
        return new LiveClient(name, HttpClient.newHttpClient().newWebSocketBuilder(),
                URI.create("ws://127.0.0.1:" + port + LiveFeedSocket.PATH + "?access_token=" + token));
    }

    /** The next frame, waiting for it at most {@code timeout}. */
    JsonNode next(Duration timeout) {
        try {
            JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(frame).as("a frame on %s's socket within %s", name, timeout).isNotNull();
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next frame that is not a {@code refresh} (those say that a follow's backfill or an
     * unfollow's purge has reached the feed, whenever a worker gets to it).
     */
    JsonNode nextChange(Duration timeout) {
        JsonNode frame = next(timeout);
        while ("refresh".equals(frame.path("type").asString())) {
            frame = next(timeout);
        }
        return frame;
    }

    /** The next change, which must announce this tweet. */
    JsonNode nextTweet(long tweetId, Duration timeout) {
        JsonNode frame = nextChange(timeout);
        assertThat(frame.path("type").asString()).as("%s's frame %s", name, frame).isEqualTo("tweet");
        assertThat(frame.path("tweet").path("id").asLong()).as("%s's frame %s", name, frame).isEqualTo(tweetId);
        return frame.get("tweet");
    }

    /** Frames received and not taken yet. */
    int pending() {
        return frames.size();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
