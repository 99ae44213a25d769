package dev.twitterarch.common.feed;

import dev.twitterarch.common.web.ApiException;
import dev.twitterarch.common.web.StrictNumbers;

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
        // only the spelling toString() gives out: Long.parseLong alone would also take "+5" and an Arabic-Indic five
        Long before = StrictNumbers.parseLong(value);
        if (before != null && before > 0) {
            return new FeedCursor(before);
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
