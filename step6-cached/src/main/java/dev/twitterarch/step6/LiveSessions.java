package dev.twitterarch.step6;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live sockets of this API process, by reader, and what reaches them. A reader's first socket
 * binds their key and the keys of the celebrities they follow ({@link LiveSubscription}); their
 * last socket takes the bindings away. A celebrity's tweet reaches every process that bound the
 * celebrity; each sends it to those of its readers who follow the celebrity now (one query), so an
 * unfollow that has committed is never answered with the next tweet.
 *
 * <p>Sockets never hold up the sending side. Each socket has a mailbox ({@link LiveSocket}):
 * the broker's consumer thread only adds the frame to it, and one of four sender threads sends what
 * waits, in order. A socket with more than {@code twitter.live.send-buffer-bytes} waiting is closed
 * as too slow, and one whose send blocks for longer than {@code twitter.live.send-time-limit}
 * (Tomcat's blocking-send timeout, set per socket by {@link LiveFeedSocket}) is closed as failed
 * ({@code twitter_live_disconnected_total{reason="slow"|"send-failed"}}): its page reconnects and
 * reads its feed. So a dead socket costs at most its buffer, and one sender thread for at most the
 * time limit.
 */
class LiveSessions {

    private static final Logger log = LoggerFactory.getLogger(LiveSessions.class);
    private static final int SENDERS = 4;
    /** The first frame of every socket: its bindings are in place, so it gets every event from now on. */
    static final TextMessage READY = new TextMessage("{\"type\":\"ready\"}");

    /** Where this process's queue is bound: {@link LiveSubscription}, counting the sockets that share a key. */
    interface Bindings {
        void bind(String routingKey) throws IOException;

        void unbind(String routingKey);
    }

    /** One reader's sockets here, and the celebrities whose keys are bound for them. */
    private static final class Reader {
        final Set<LiveSocket> sockets = ConcurrentHashMap.newKeySet();
        volatile Set<Long> celebrities = Set.of(); // written under the lock, read by the consumer thread
    }

    private final Bindings subscription;
    private final Function<Long, List<Long>> celebritiesFollowedBy;
    private final BiFunction<Long, Set<Long>, List<Long>> followersAmong;
    private final Consumer<Collection<Long>> seen;
    private final LiveSettings settings;
    private final MeterRegistry registry;
    private final Map<Long, Reader> readers = new ConcurrentHashMap<>();
    private final ExecutorService senders;
    private final LiveSocket.Outcome outcome;
    private final Counter sent;

    /**
     * @param celebritiesFollowedBy the celebrities a reader follows now
     * @param followersAmong        which of these readers follow this author now
     * @param seen                  tells {@link LivePresence} that these readers are connected here
     */
    LiveSessions(Bindings subscription, Function<Long, List<Long>> celebritiesFollowedBy,
                 BiFunction<Long, Set<Long>, List<Long>> followersAmong, Consumer<Collection<Long>> seen,
                 LiveSettings settings, MeterRegistry registry) {
        this.subscription = subscription;
        this.seen = seen;
        this.celebritiesFollowedBy = celebritiesFollowedBy;
        this.followersAmong = followersAmong;
        this.settings = settings;
        this.registry = registry;
        this.sent = Counter.builder("twitter.live.sent").description("frames sent to live sockets").register(registry);
        this.senders = Executors.newFixedThreadPool(SENDERS, task -> {
            Thread thread = new Thread(task, "live-sender");
            thread.setDaemon(true);
            return thread;
        });
        this.outcome = new LiveSocket.Outcome() {
            @Override
            public void sent() {
                sent.increment();
            }

            @Override
            public void failed(LiveSocket socket, java.io.IOException cause) {
                disconnected(socket, "send-failed", CloseStatus.SESSION_NOT_RELIABLE);
                log.debug("live: a send failed, the socket is closed: {}", cause.toString());
            }
        };
        Gauge.builder("twitter.live.sockets", this, LiveSessions::socketCount).description("open live sockets").register(registry);
        Gauge.builder("twitter.live.readers", readers, Map::size).description("readers with a live socket here").register(registry);
    }

    /**
     * A socket of this reader has opened: from now on it gets their events. Its first frame is
     * {@link #READY}, sent once the reader's keys are bound and their presence told: the page then
     * reads its feed once more, so whatever committed before that read is in it, and whatever
     * commits after reaches the socket (pushed twice at most: the page shows a tweet once).
     */
    void opened(long userId, WebSocketSession session) throws IOException {
        LiveSocket socket = new LiveSocket(session, settings.sendBufferBytes(), READY); // held: frames queue behind READY
        session.getAttributes().put(LiveSessions.class.getName(), socket);
        synchronized (this) {
            Reader reader = readers.computeIfAbsent(userId, id -> new Reader());
            boolean first = reader.sockets.isEmpty();
            reader.sockets.add(socket);
            if (first) {
                try {
                    subscription.bind(LiveRoutes.reader(userId));
                    reader.celebrities = bindCelebrities(userId, Set.of());
                } catch (IOException | RuntimeException e) {
                    reader.sockets.remove(socket);
                    subscription.unbind(LiveRoutes.reader(userId));
                    readers.remove(userId);
                    throw e;
                }
            }
        }
        seen.accept(List.of(userId)); // the workers publish this reader's events from now on
        socket.release(senders, outcome);
    }

    /** A socket has closed. */
    synchronized void closed(long userId, WebSocketSession session) {
        Reader reader = readers.get(userId);
        Object socket = session.getAttributes().get(LiveSessions.class.getName());
        if (reader == null || socket == null || !reader.sockets.remove(socket) || !reader.sockets.isEmpty()) {
            return;
        }
        readers.remove(userId);
        subscription.unbind(LiveRoutes.reader(userId));
        reader.celebrities.forEach(celebrity -> subscription.unbind(LiveRoutes.author(celebrity)));
    }

    /** One delivery of this process's queue. */
    void receive(String routingKey, String type, byte[] body) {
        long id = LiveRoutes.idOf(routingKey);
        if (LivePublisher.CELEBRITIES_CHANGED.equals(type)) {
            readers.keySet().forEach(this::rebindCelebrities);
        } else if (LivePublisher.FOLLOWS_CHANGED.equals(type)) {
            rebindCelebrities(id);
        } else if (routingKey.equals(LiveRoutes.reader(id))) {
            send(id, new TextMessage(body));
        } else if (routingKey.equals(LiveRoutes.author(id))) {
            Set<Long> candidates = new HashSet<>();
            readers.forEach((reader, state) -> {
                if (state.celebrities.contains(id)) {
                    candidates.add(reader);
                }
            });
            if (!candidates.isEmpty()) {
                TextMessage frame = new TextMessage(body);
                followersAmong.apply(id, candidates).forEach(reader -> send(reader, frame));
            }
        }
    }

    /** The reader's celebrities are bound again: their follows changed, or someone's status did. */
    private synchronized void rebindCelebrities(long userId) {
        Reader reader = readers.get(userId);
        if (reader == null) {
            return;
        }
        try {
            reader.celebrities = bindCelebrities(userId, reader.celebrities);
        } catch (IOException | RuntimeException e) {
            log.debug("live: the celebrities of reader {} were not bound again: {}", userId, e.toString());
        }
    }

    /** Binds the celebrities the user follows now, unbinds those of {@code before} they no longer do. */
    private Set<Long> bindCelebrities(long userId, Set<Long> before) throws IOException {
        Set<Long> now = Set.copyOf(celebritiesFollowedBy.apply(userId));
        for (long celebrity : now) {
            if (!before.contains(celebrity)) {
                subscription.bind(LiveRoutes.author(celebrity));
            }
        }
        for (long celebrity : before) {
            if (!now.contains(celebrity)) {
                subscription.unbind(LiveRoutes.author(celebrity));
            }
        }
        return now;
    }

    private void send(long userId, TextMessage frame) {
        Reader reader = readers.get(userId);
        if (reader == null) {
            return; // the socket closed since: its binding is going
        }
        for (LiveSocket socket : reader.sockets) {
            if (!socket.offer(frame, senders, outcome)) {
                disconnected(socket, "slow", CloseStatus.SESSION_NOT_RELIABLE.withReason("too slow to keep up; reconnect"));
                log.info("live: a socket of reader {} was closed, {} bytes were waiting for it", userId, socket.waitingBytes());
            }
        }
    }

    private void disconnected(LiveSocket socket, String reason, CloseStatus status) {
        registry.counter("twitter.live.disconnected", "reason", reason).increment();
        socket.close(status, senders);
    }

    /** Every socket: the broker connection is lost, so their events would be (the pages reconnect, and poll until then). */
    void closeAll(CloseStatus status) {
        List<LiveSocket> all = new ArrayList<>();
        readers.values().forEach(reader -> all.addAll(reader.sockets));
        all.forEach(socket -> socket.close(status, senders));
    }

    /** The readers with a socket here (for {@link LivePresence}'s heartbeat). */
    List<Long> readerIds() {
        return List.copyOf(readers.keySet());
    }

    int socketCount() {
        return readers.values().stream().mapToInt(reader -> reader.sockets.size()).sum();
    }

    void shutdown() {
        closeAll(CloseStatus.GOING_AWAY);
        senders.shutdown();
    }
}
