package dev.twitterarch.step6;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

import dev.twitterarch.common.auth.ActingUserResolver;
import dev.twitterarch.common.tweet.TweetStore;
import dev.twitterarch.messaging.ConditionalOnRole;
import dev.twitterarch.messaging.Rabbit;
import dev.twitterarch.messaging.Role;
import dev.twitterarch.messaging.Topology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live delivery: every process publishes the feed changes it makes ({@link LivePublisher}); each
 * API process consumes the events of the readers connected to it ({@link LiveSubscription}) and
 * writes them to their sockets ({@link LiveSessions}, {@link LiveFeedSocket}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LiveSettings.class)
class LiveWiring {

    @Bean
    LivePresence livePresence(SoftRedis redis) {
        return new LivePresence(redis, Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    LivePublisher livePublisher(Rabbit rabbit, Topology topology, TweetStore tweets, LivePresence presence, JsonMapper json,
                                LiveSettings settings, MeterRegistry registry) throws Exception {
        String exchange = LiveRoutes.exchange(topology);
        try (Channel channel = rabbit.publishChannel()) {
            topology.declare(channel, ch -> ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true));
        }
        LivePublisher publisher = new LivePublisher(rabbit, exchange, tweets, presence, json, settings, registry);
        Gauge.builder("twitter.live.backlog", publisher, LivePublisher::backlog)
                .description("live events waiting to be published").register(registry);
        return publisher;
    }

    /** The API side: the sockets, and the queue that feeds them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnRole(Role.API)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ApiSide {

        @Bean
        LiveSubscription liveSubscription(Rabbit rabbit, Topology topology, LiveSettings settings) {
            return new LiveSubscription(rabbit, LiveRoutes.exchange(topology), settings);
        }

        @Bean(destroyMethod = "shutdown")
        LiveSessions liveSessions(LiveSubscription subscription, Celebrities celebrities, LivePresence presence,
                                  LiveSettings settings, MeterRegistry registry) {
            LiveSessions sessions = new LiveSessions(subscription, celebrities::followedBy, celebrities::followersAmong,
                    presence::seen, settings, registry);
            subscription.deliverTo(sessions::receive, () -> sessions.closeAll(CloseStatus.SERVICE_RESTARTED));
            Gauge.builder("twitter.live.bindings", subscription, LiveSubscription::bindingCount)
                    .description("routing keys this process's live queue is bound to").register(registry);
            return sessions;
        }

        /** Every {@link LivePresence#HEARTBEAT}: this process's readers are still connected. */
        @Bean(destroyMethod = "shutdownNow")
        ScheduledExecutorService livePresenceHeartbeat(LiveSessions sessions, LivePresence presence) {
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "live-presence");
                thread.setDaemon(true);
                return thread;
            });
            long period = LivePresence.HEARTBEAT.toMillis();
            heartbeat.scheduleAtFixedRate(() -> presence.seen(sessions.readerIds()), period, period, TimeUnit.MILLISECONDS);
            return heartbeat;
        }

        /** Also the {@code LiveFeed} that tells the page ({@code GET /api/info}) where to listen. */
        @Bean
        LiveFeedSocket liveFeedSocket(ActingUserResolver users, LiveSessions sessions, LiveSubscription subscription,
                                      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver problems,
                                      LiveSettings settings) {
            return new LiveFeedSocket(users, sessions, subscription, problems, settings.sendTimeLimit());
        }
    }

    /** Spring's WebSocket support, serving the socket at its path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnRole(Role.API)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @EnableWebSocket
    static class Sockets implements WebSocketConfigurer {

        private final LiveFeedSocket socket;

        Sockets(LiveFeedSocket socket) {
            this.socket = socket;
        }

        @Override
        public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
            registry.addHandler(socket, LiveFeedSocket.PATH).addInterceptors(socket);
        }
    }
}
