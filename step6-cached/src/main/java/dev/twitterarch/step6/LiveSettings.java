package dev.twitterarch.step6;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Live delivery over WebSockets ({@code twitter.live.*}).
 *
 * @param sendBufferBytes frames waiting for one socket, at most this many bytes: a reader whose
 *                        socket takes them slower than they come is disconnected (its page
 *                        reconnects and reads its feed), instead of holding memory or a thread
 * @param sendTimeLimit   one frame may take this long to leave; a socket that blocks longer is disconnected
 * @param queueLength     live events waiting in this API process's RabbitMQ queue, at most; beyond it the
 *                        oldest are dropped (a live event is a hint: the feed is the truth)
 * @param backlog         frames waiting in this process to be published, at most; beyond it new ones are
 *                        dropped and counted, so a slow broker never holds a worker or a request
 */
@ConfigurationProperties("twitter.live")
record LiveSettings(@DefaultValue("65536") int sendBufferBytes, @DefaultValue("2s") Duration sendTimeLimit,
                           @DefaultValue("10000") int queueLength, @DefaultValue("100000") int backlog) {
}
