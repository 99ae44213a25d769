package dev.twitterarch.compare.results;

/**
 * A request's name as Gatling reports it. The simulations name their requests only through these
 * factories and the report looks Gatling's statistics up through the same ones, so renaming a
 * request renames it on both sides.
 */
public record RequestName(String label) {

    public static final RequestName READ_FEED_WARM_UP = new RequestName("read feed (warm-up)");
    public static final RequestName POST_TWEET_WARM_UP = new RequestName("post tweet (warm-up)");
    public static final RequestName PING_WARM_UP = new RequestName("ping (warm-up)");
    public static final RequestName CELEBRITY_POST = new RequestName("post, celebrity (fan-out lag)");
    public static final RequestName POLL_FOLLOWER_FEED = new RequestName("poll a follower's feed (fan-out lag)");
    public static final RequestName CACHE_STATS = new RequestName("GET /cache/stats");
    public static final RequestName METRICS = new RequestName("scrape /metrics");
    public static final RequestName READ_EVERY_FEED = new RequestName("read every reader's feed once (before the reads only)");

    /** Mixed traffic: a feed read in the stage of {@code users} concurrent users. */
    public static RequestName readFeed(int users) {
        return new RequestName("read feed @" + users + " users");
    }

    /** Mixed traffic: a post in the stage of {@code users} concurrent users. */
    public static RequestName postTweet(int users) {
        return new RequestName("post tweet @" + users + " users");
    }

    /** Reads only, after every reader's feed was read once: a feed read in the stage of {@code users} concurrent users. */
    public static RequestName readsOnly(int users) {
        return new RequestName("reads only @" + users + " users");
    }

    /** Write cost: a post by the author with {@code followers} followers. */
    public static RequestName postByAuthorWith(int followers) {
        return new RequestName("post, author with " + followers + " followers");
    }

    /** The HTTP ceiling: GET /ping in the stage of {@code users} concurrent users. */
    public static RequestName ping(int users) {
        return new RequestName("ping @" + users + " users");
    }
}
