package dev.twitterarch.common.feed;

import dev.twitterarch.common.web.ApiException;

/**
 * Where a feed page starts: strictly below this tweet id. Tweets posted while a client pages get
 * bigger ids, so they can neither shift a page (as OFFSET would) nor appear twice.
 * Clients treat the value as opaque: it is the {@code next_cursor} of the previous page.
 */
public record FeedCursor(long before) {

    /** The first page: everything. */
    public static final FeedCursor FIRST = new FeedCursor(Long.MAX_VALUE);

    public static FeedCursor parse(String value) {
        if (value == null) {
            return FIRST;
        }
        try {
            long before = Long.parseLong(value);
            if (before > 0) {
                return new FeedCursor(before);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("'before' is not a cursor this API gave out: '" + value.substring(0, Math.min(value.length(), 40)) + "'");
    }

    static FeedCursor after(TweetRef last) {
        return new FeedCursor(last.tweetId());
    }

    @Override
    public String toString() {
        return Long.toString(before);
    }
}
