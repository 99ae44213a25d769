package dev.twitterarch.step6;

import java.util.List;

import dev.twitterarch.common.feed.TweetRef;
import dev.twitterarch.common.follow.FollowerStore;
import dev.twitterarch.messaging.AfterCommit;
import dev.twitterarch.messaging.EventSink;
import dev.twitterarch.messaging.FeedEvent;
import dev.twitterarch.messaging.FeedEvent.Followed;
import dev.twitterarch.messaging.FeedEvent.TweetDeleted;
import dev.twitterarch.messaging.FeedEvent.TweetPosted;
import dev.twitterarch.messaging.FeedEvent.Unfollowed;

/**
 * The celebrity hybrid's write side: what reaches step 5's outbox (and so its relay, dispatcher and
 * workers). Called in the transaction of the change, as every event sink is.
 *
 * <ul>
 *   <li>A celebrity's tweet never enters the fan-out: no outbox row, no batch, no follower row, no
 *       push. Their followers' pages merge it from the author's own timeline ({@link HomeTimelines}).
 *       The author's own feed row is written as for everyone (step 5's QueuedFeed).</li>
 *   <li>Following a celebrity copies nothing (no backfill): the page merges their timeline from the
 *       moment the follow commits. Unfollowing one still sends step 5's purge, for the rows that were
 *       written before they became a celebrity (one indexed delete in the follower's shard).</li>
 *   <li>Deletes go to the fan-out as in step 5, celebrity or not: rows written before a promotion
 *       may hold the tweet.</li>
 * </ul>
 *
 * <p>Each follow and unfollow decides the followee's status again ({@link Celebrities#reconsider}),
 * in its own transaction, so the status is exact once the last of them has committed:
 * <ul>
 *   <li>Promotion (more than the threshold follow them now): nothing is deleted. Their followers'
 *       rows written so far stay, exact as ever (deletes and unfollows still remove them), and a page
 *       that merges the celebrity's timeline counts each tweet once. The followers' cached home
 *       timelines are dropped after the commit: each cached the list of celebrities its reader
 *       follows, which has just grown.</li>
 *   <li>Demotion (the threshold or fewer): every remaining follower gets step 5's backfill of the
 *       author's tweets (one Followed event each, in this transaction's outbox), which copies what
 *       was merged until now; each backfill drops that follower's cached timeline when it commits,
 *       and until then their pages still merge the author's timeline.</li>
 * </ul>
 * Both happen at the crossing, so each touches about threshold followers.
 */
class HybridFanOut implements EventSink {

    private final EventSink outbox;
    private final Celebrities celebrities;
    private final FollowerStore followers;
    private final SortedSetTimelines timelines;
    private final CacheMeters meters;
    private final LivePublisher live;

    HybridFanOut(EventSink outbox, Celebrities celebrities, FollowerStore followers, SortedSetTimelines timelines,
                 CacheMeters meters, LivePublisher live) {
        this.outbox = outbox;
        this.celebrities = celebrities;
        this.followers = followers;
        this.timelines = timelines;
        this.meters = meters;
        this.live = live;
    }

    @Override
    public void emit(FeedEvent event) {
        event.accept(new FeedEvent.Visitor<Void>() {
            @Override
            public Void tweetPosted(TweetPosted posted) {
                TweetRef tweet = new TweetRef(posted.tweetId(), posted.authorId());
                if (celebrities.isCelebrityHeld(posted.authorId())) {
                    AfterCommit.run(() -> {
                        meters.celebrityTweet();
                        live.celebrityTweeted(tweet); // no follower row carries it: their connected followers hear of it here
                    });
                } else {
                    outbox.emit(posted);
                }
                AfterCommit.run(() -> live.tweetEntered(tweet, List.of(posted.authorId()))); // the author's own feed
                return null;
            }

            @Override
            public Void tweetDeleted(TweetDeleted deleted) {
                outbox.emit(deleted);
                AfterCommit.run(() -> {
                    live.tweetLeft(deleted.tweetId(), List.of(deleted.authorId()));
                    live.authorsTweetDeleted(deleted.authorId(), deleted.tweetId());
                });
                return null;
            }

            @Override
            public Void followed(Followed followed) {
                Celebrities.Status status = celebrities.reconsider(followed.followeeId());
                statusChanged(status, followed.followeeId());
                if (!status.celebrity() && !status.changed()) {
                    outbox.emit(followed); // step 5's backfill; a demotion has just sent everyone's, this follower's too
                }
                AfterCommit.run(() -> live.followsChanged(followed.followerId()));
                return null;
            }

            @Override
            public Void unfollowed(Unfollowed unfollowed) {
                outbox.emit(unfollowed);
                statusChanged(celebrities.reconsider(unfollowed.followeeId()), unfollowed.followeeId());
                AfterCommit.run(() -> live.followsChanged(unfollowed.followerId()));
                return null;
            }
        });
    }

    private void statusChanged(Celebrities.Status status, long userId) {
        if (!status.changed()) {
            return;
        }
        List<Long> fans = followers.followersOf(userId);
        AfterCommit.run(() -> {
            meters.statusChanged(status.celebrity());
            live.celebritiesChanged(); // the API processes bind their readers' celebrities again
        });
        if (status.celebrity()) {
            AfterCommit.run(() -> timelines.invalidate(fans.stream().map(TimelineKeys::feed).toList()));
        } else {
            fans.forEach(fan -> outbox.emit(new Followed(fan, userId)));
        }
    }
}
