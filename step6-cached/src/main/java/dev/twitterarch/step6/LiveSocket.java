package dev.twitterarch.step6;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One live socket and the frames waiting for it: a mailbox that whoever has a frame adds to
 * without waiting, drained by one task at a time on the senders' pool, so the frames leave in the
 * order they came and a socket stuck in a send holds one sender thread, never the caller. This is
 * the mechanism by hand, because it is the lesson: a slow reader must cost the system a bounded
 * amount of memory and no one else's time. Beyond {@code limit} bytes waiting, {@link #offer}
 * refuses, and the socket is closed as too slow (its page reconnects and reads its feed).
 */
final class LiveSocket {

    /** What happened to a socket the senders had to give up on. */
    interface Outcome {
        void sent();

        void failed(LiveSocket socket, IOException cause);
    }

    private final WebSocketSession session;
    private final long limit;
    private final Queue<TextMessage> mailbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong waitingBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean held = true;

    /** A socket whose mailbox holds {@code first} and is not drained before {@link #release}. */
    LiveSocket(WebSocketSession session, long limit, TextMessage first) {
        this.session = session;
        this.limit = limit;
        waitingBytes.addAndGet(first.getPayloadLength());
        mailbox.add(first);
    }

    /** From now on the mailbox is drained: the frame given first, then whatever came since, in order. */
    void release(Executor senders, Outcome outcome) {
        held = false;
        if (!mailbox.isEmpty() && draining.compareAndSet(false, true)) {
            senders.execute(() -> drain(outcome));
        }
    }

    WebSocketSession session() {
        return session;
    }

    /**
     * Adds the frame and makes sure a sender will drain the mailbox. False, and nothing added, when
     * the frames already waiting and this one would exceed the limit: the socket is too slow.
     */
    boolean offer(TextMessage frame, Executor senders, Outcome outcome) {
        if (closed) {
            return true; // nothing to do: its reader's bindings are going
        }
        int length = frame.getPayloadLength();
        if (waitingBytes.addAndGet(length) > limit) {
            waitingBytes.addAndGet(-length);
            return false;
        }
        mailbox.add(frame);
        if (!held && draining.compareAndSet(false, true)) {
            senders.execute(() -> drain(outcome));
        }
        return true;
    }

    /** Sends what waits, in order; only ever one drain per socket at a time. */
    private void drain(Outcome outcome) {
        while (true) {
            TextMessage frame = mailbox.poll();
            if (frame == null) {
                draining.set(false);
                // a frame offered between the poll and the reset found draining set: take it now
                if (mailbox.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            waitingBytes.addAndGet(-frame.getPayloadLength());
            if (closed) {
                continue;
            }
            try {
                session.sendMessage(frame);
                outcome.sent();
            } catch (IOException | IllegalStateException e) {
                closed = true;
                outcome.failed(this, e instanceof IOException io ? io : new IOException(e));
            }
        }
    }

    /** Frames waiting, in bytes. */
    long waitingBytes() {
        return waitingBytes.get();
    }

    /** Closes the socket (on a sender thread: a close may wait for a send in progress). */
    void close(CloseStatus status, Executor senders) {
        closed = true;
        senders.execute(() -> {
            try {
                session.close(status);
            } catch (IOException | RuntimeException e) {
                // gone already
            }
        });
    }
}
