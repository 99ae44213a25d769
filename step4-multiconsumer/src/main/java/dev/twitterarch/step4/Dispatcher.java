package dev.twitterarch.step4;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Publisher.Outgoing;
import dev.twitterarch.messaging.QueueConsumer;
import dev.twitterarch.messaging.Topology;

/**
 * Turns each event from the API into one message per follower on the consistent-hash exchange,
 * routed by the follower id. A 2000-follower tweet becomes 2000 messages: that is this step's
 * lesson and its cost (per-message overhead at the broker and one transaction per row at the
 * workers); step 5 batches them. The event is acknowledged only once the broker has confirmed
 * every message it produced, so a crash here means the event is dispatched again (and the
 * idempotent workers shrug off the repeats).
 */
@Component
class Dispatcher implements QueueConsumer.Handler {

    private final FollowerStore followers;
    private final Publisher publisher;
    private final Topology topology;

    Dispatcher(FollowerStore followers, Publisher publisher, Topology topology) {
        this.followers = followers;
        this.publisher = publisher;
        this.topology = topology;
    }

    @Override
    public void handle(Object message) {
        if (message instanceof TweetPosted posted) {
            publisher.publish(followers.followersOf(posted.authorId()).stream()
                    .map(follower -> route(new PerFollower.AddTweet(follower, posted.tweetId(), posted.authorId())))
                    .toList());
        } else if (message instanceof TweetDeleted deleted) {
            publisher.publish(followers.followersOf(deleted.authorId()).stream()
                    .map(follower -> route(new PerFollower.RemoveTweet(follower, deleted.tweetId())))
                    .toList());
        } else if (message instanceof Followed followed) {
            publisher.publish(List.of(route(new PerFollower.Backfill(followed.followerId(), followed.followeeId()))));
        } else if (message instanceof Unfollowed unfollowed) {
            publisher.publish(List.of(route(new PerFollower.Purge(unfollowed.followerId(), unfollowed.followeeId()))));
        } else {
            throw new IllegalArgumentException("the dispatcher expects a " + FeedEvent.class.getSimpleName() + ", got "
                    + message.getClass().getSimpleName());
        }
    }

    private Outgoing route(PerFollower message) {
        return new Outgoing(topology.perFollowerExchange(), Long.toString(message.followerId()), message);
    }
}
