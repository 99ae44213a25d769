package dev.twitterarch.step4;

import java.util.List;

import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;
import dev.twitterarch.messaging.Publisher;
import dev.twitterarch.messaging.Publisher.Outgoing;
import dev.twitterarch.messaging.QueueConsumer;

/**
 * Turns each event from the API into one message per follower on the consistent-hash exchange,
 * routed by the follower id. A 2000-follower tweet becomes 2000 messages: that is this step's
 * lesson and its cost (per-message overhead at the broker and one transaction per row at the
 * workers); step 5 batches them. The event is acknowledged only once the broker has confirmed
 * every message it produced, so a crash here means the event is dispatched again (and the
 * idempotent workers shrug off the repeats).
 */
class Dispatcher implements QueueConsumer.Handler, FeedEvent.Visitor<List<Outgoing>> {

    private final FollowerStore followers;
    private final Publisher publisher;
    private final ConsistentHashWorkers workers;

    Dispatcher(FollowerStore followers, Publisher publisher, ConsistentHashWorkers workers) {
        this.followers = followers;
        this.publisher = publisher;
        this.workers = workers;
    }

    @Override
    public void handle(Object message) {
        publisher.publish(QueueConsumer.Handler.expect(FeedEvent.class, message).accept(this));
    }

    @Override
    public List<Outgoing> tweetPosted(TweetPosted posted) {
        return followers.followersOf(posted.authorId()).stream()
                .map(follower -> route(new PerFollower.AddTweet(follower, posted.tweetId(), posted.authorId())))
                .toList();
    }

    @Override
    public List<Outgoing> tweetDeleted(TweetDeleted deleted) {
        return followers.followersOf(deleted.authorId()).stream()
                .map(follower -> route(new PerFollower.RemoveTweet(follower, deleted.tweetId())))
                .toList();
    }

    @Override
    public List<Outgoing> followed(Followed followed) {
        return List.of(route(new PerFollower.Backfill(followed.followerId(), followed.followeeId())));
    }

    @Override
    public List<Outgoing> unfollowed(Unfollowed unfollowed) {
        return List.of(route(new PerFollower.Purge(unfollowed.followerId(), unfollowed.followeeId())));
    }

    private Outgoing route(PerFollower message) {
        return new Outgoing(workers.exchange(), Long.toString(message.followerId()), message);
    }
}
