package dev.twitterarch.step6;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The live sockets of one process, without a broker or a server: bindings, routing, order, and slow readers. */
class LiveSessionsTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, Integer> bound = new ConcurrentHashMap<>();
    private final Map<Long, List<Long>> celebritiesOf = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> followersOf = new ConcurrentHashMap<>();
    private final CountDownLatch never = new CountDownLatch(1);

    private final LiveSessions sessions = new LiveSessions(new LiveSessions.Bindings() {
        @Override
        public void bind(String key) {
            bound.merge(key, 1, Integer::sum);
        }

        @Override
        public void unbind(String key) {
            bound.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
        }
    }, user -> celebritiesOf.getOrDefault(user, List.of()),
            (author, users) -> users.stream().filter(followersOf.getOrDefault(author, Set.of())::contains).toList(),
            // a socket's mailbox holds 16 KiB: the ordered test's 1,000 small frames (about 9 KiB) fit even when the
            // senders fall behind on a busy machine; the slow reader's 100 KiB do not
            readers -> { }, new LiveSettings(16 * 1024, Duration.ofSeconds(2), 10_000, 10_000), registry);

    @AfterEach
    void tearDown() {
        never.countDown();
        sessions.shutdown();
    }

    /** A socket that records what it is sent. */
    private static WebSocketSession recording(List<String> frames) throws Exception {
        WebSocketSession session = session();
        doAnswer(call -> frames.add(((TextMessage) call.getArgument(0)).getPayload())).when(session).sendMessage(any());
        return session;
    }

    /** A socket whose peer never reads: its first send blocks. */
    private WebSocketSession stuck() throws Exception {
        WebSocketSession session = session();
        doAnswer(call -> {
            never.await();
            return null;
        }).when(session).sendMessage(any());
        return session;
    }

    private static WebSocketSession session() {
        WebSocketSession session = mock(WebSocketSession.class);
        Map<String, Object> attributes = new HashMap<>();
        when(session.getAttributes()).thenReturn(attributes);
        when(session.getId()).thenReturn("socket-" + IDS.incrementAndGet());
        when(session.isOpen()).thenReturn(true);
        return session;
    }

    private static byte[] frame(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReaderGetsItsFramesInOrderAfterReadyAndNobodyElsesFrames() throws Exception {
        List<String> mine = Collections.synchronizedList(new ArrayList<>());
        List<String> other = Collections.synchronizedList(new ArrayList<>());
        sessions.opened(1, recording(mine));
        sessions.opened(2, recording(other));
        for (int i = 0; i < 1000; i++) {
            sessions.receive(LiveRoutes.reader(1), LivePublisher.FRAME, frame("{\"n\":" + i + "}"));
        }
        List<String> expected = new ArrayList<>(List.of("{\"type\":\"ready\"}"));
        for (int i = 0; i < 1000; i++) {
            expected.add("{\"n\":" + i + "}");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> mine.size() == expected.size());
        assertThat(mine).containsExactlyElementsOf(expected);
        assertThat(other).containsExactly("{\"type\":\"ready\"}");
    }

    @Test
    void aSocketThatCannotKeepUpIsClosedWithoutHoldingUpTheCallerOrAnyoneElse() throws Exception {
        WebSocketSession slow = stuck();
        List<String> fast = Collections.synchronizedList(new ArrayList<>());
        sessions.opened(1, slow);
        sessions.opened(2, recording(fast));
        byte[] kilobyte = frame("x".repeat(1024));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 100; i++) {
                sessions.receive(LiveRoutes.reader(1), LivePublisher.FRAME, kilobyte); // the consumer thread never waits
                sessions.receive(LiveRoutes.reader(2), LivePublisher.FRAME, frame("{\"n\":" + i + "}"));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> fast.size() == 101);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> verify(slow).close(any(CloseStatus.class)));
        assertThat(registry.counter("twitter.live.disconnected", "reason", "slow").count()).isEqualTo(1);
    }

    @Test
    void bindingsFollowTheReadersSocketsAndTheCelebritiesTheyFollow() throws Exception {
        celebritiesOf.put(1L, List.of(100L));
        WebSocketSession first = session();
        WebSocketSession second = session();
        sessions.opened(1, first);
        sessions.opened(1, second);
        assertThat(bound).containsOnly(Map.entry("reader.1", 1), Map.entry("author.100", 1));

        celebritiesOf.put(1L, List.of(200L)); // unfollowed 100, followed 200
        sessions.receive(LiveRoutes.reader(1), LivePublisher.FOLLOWS_CHANGED, new byte[0]);
        assertThat(bound).containsOnly(Map.entry("reader.1", 1), Map.entry("author.200", 1));

        sessions.closed(1, first);
        assertThat(bound).containsOnly(Map.entry("reader.1", 1), Map.entry("author.200", 1));
        sessions.closed(1, second);
        assertThat(bound).isEmpty();
    }

    @Test
    void aCelebrityFrameReachesOnlyTheConnectedReadersWhoFollowThemNow() throws Exception {
        celebritiesOf.put(1L, List.of(100L));
        celebritiesOf.put(2L, List.of(100L));
        followersOf.put(100L, Set.of(1L)); // 2 has unfollowed since its socket bound the key
        List<String> one = Collections.synchronizedList(new ArrayList<>());
        List<String> two = Collections.synchronizedList(new ArrayList<>());
        sessions.opened(1, recording(one));
        sessions.opened(2, recording(two));
        sessions.receive(LiveRoutes.author(100), LivePublisher.FRAME, frame("{\"star\":true}"));
        sessions.receive(LiveRoutes.reader(2), LivePublisher.FRAME, frame("{\"after\":true}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> one.size() == 2 && two.size() == 2);
        assertThat(one).containsExactly("{\"type\":\"ready\"}", "{\"star\":true}");
        assertThat(two).containsExactly("{\"type\":\"ready\"}", "{\"after\":true}");
    }
}
