package dev.twitterarch.messaging;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.twitterarch.common.feed.FeedCursor;
import dev.twitterarch.common.feed.FeedItemStore;
import dev.twitterarch.common.feed.FeedStrategy;
import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.tweet.Tweet;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;

/**
 * The API side of asynchronous fan-out (steps 3 and 4): a request writes only what its author must
 * read at once (their own feed entry) and publishes an event after its transaction commits;
 * workers write everyone else's feed rows later. The POST no longer grows with the follower count;
 * followers see the tweet after a lag instead.
 */
public class QueuedFeed implements FeedStrategy {

    private static final Logger log = LoggerFactory.getLogger(QueuedFeed.class);

    private final FeedItemStore feedItems;
    private final Publisher publisher;
    private final Topology topology;
    private final Rabbit rabbit;
    private final FanOutTracker tracker;

    public QueuedFeed(FeedItemStore feedItems, Publisher publisher, Topology topology, Rabbit rabbit, FanOutTracker tracker) {
        this.feedItems = feedItems;
        this.publisher = publisher;
        this.topology = topology;
        this.rabbit = rabbit;
        this.tracker = tracker;
    }

    @Override
    public void tweetPosted(Tweet tweet) {
        feedItems.insertOwn(tweet);
        publish(new TweetPosted(tweet.id(), tweet.userId()));
    }

    @Override
    public void tweetDeleted(Tweet tweet) {
        feedItems.remove(tweet.userId(), tweet.id());
        publish(new TweetDeleted(tweet.id(), tweet.userId()));
    }

    @Override
    public void followed(long followerId, long followeeId) {
        publish(new Followed(followerId, followeeId));
    }

    @Override
    public void unfollowed(long followerId, long followeeId) {
        publish(new Unfollowed(followerId, followeeId));
    }

    @Override
    public List<TweetRef> read(long userId, FeedCursor cursor, int limit) {
        return feedItems.page(userId, cursor, limit);
    }

    /** Everything this process published has been settled and no queue holds a message. */
    @Override
    public boolean quiescent() {
        return tracker.balanced() && topology.workQueues().stream().allMatch(queue -> rabbit.depth(queue) == 0);
    }

    private void publish(FeedEvent event) {
        publisher.publishAfterCommit(new Publisher.Outgoing(topology.eventsExchange(), Topology.FAN_OUT_KEY, event),
                failure -> log.error("the change is committed but its fan-out is lost, RabbitMQ did not take {}", event, failure));
    }
}
