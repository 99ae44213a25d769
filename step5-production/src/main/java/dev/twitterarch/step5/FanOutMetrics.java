package dev.twitterarch.step5;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.twitterarch.common.id.SnowflakeIds;
import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;

/**
 * The fan-out's own meters, exported at /metrics in Prometheus' text format:
 * <pre>
 *   twitter_tweets_posted_total           tweets accepted by the API
 *   twitter_feed_rows_written_total       follower feed rows the workers inserted
 *   twitter_fanout_lag_seconds            tweet created (its id's timestamp) to a batch of its rows committed
 *   twitter_worker_batch_size             followers per batch message
 *   twitter_worker_batch_seconds          time a worker spent on one batch, commit included
 *   twitter_outbox_backlog, twitter_queue_depth{queue}   (gauges, registered by the step)
 * </pre>
 */
public class FanOutMetrics {

    private final Counter tweetsPosted;
    private final Counter feedRowsWritten;
    private final Timer fanOutLag;
    private final DistributionSummary batchSize;
    private final Timer batchDuration;

    public FanOutMetrics(MeterRegistry registry) {
        tweetsPosted = Counter.builder("twitter.tweets.posted").description("tweets accepted by the API").register(registry);
        feedRowsWritten = Counter.builder("twitter.feed.rows.written").description("follower feed rows inserted by workers")
                .register(registry);
        fanOutLag = Timer.builder("twitter.fanout.lag").description("from a tweet's creation to a batch of its feed rows committed")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
        batchSize = DistributionSummary.builder("twitter.worker.batch.size").description("followers per batch message")
                .publishPercentileHistogram().maximumExpectedValue(1000.0).register(registry);
        batchDuration = Timer.builder("twitter.worker.batch").description("time to write one batch, commit included")
                .publishPercentileHistogram().register(registry);
    }

    /** An event sink that also counts the tweets it is handed. */
    public EventSink countingTweets(EventSink sink) {
        return event -> {
            sink.emit(event);
            if (event instanceof FeedEvent.TweetPosted) {
                AfterCommit.run(tweetsPosted::increment); // a POST that rolls back posted nothing
            }
        };
    }

    void batchWritten(int size, int rows, Duration took) {
        batchSize.record(size);
        feedRowsWritten.increment(rows);
        batchDuration.record(took);
    }

    void committed(long tweetId) {
        fanOutLag.record(Duration.between(SnowflakeIds.timeOf(tweetId), Instant.now()));
    }
}
