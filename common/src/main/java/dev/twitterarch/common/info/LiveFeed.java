package dev.twitterarch.common.info;

/**
 * A step that pushes new feed entries to connected readers registers one bean of this type: the
 * page then listens there instead of polling ({@code GET /api/info} names the path), and the
 * handshake of that path may carry its bearer token as the {@code access_token} query parameter,
 * since a browser's WebSocket cannot send an {@code Authorization} header.
 */
public interface LiveFeed {

    /** The WebSocket path, e.g. {@code /api/feed/live}. */
    String path();
}
