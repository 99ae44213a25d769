package dev.twitterarch.step6;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The celebrity hybrid ({@code twitter.feed.*}).
 *
 * @param celebrityThreshold an author followed by more users than this is a celebrity: their tweets
 *                           are not fanned out (no follower rows, no pushes) but merged into their
 *                           followers' pages at read time
 */
@ConfigurationProperties("twitter.feed")
record CelebritySettings(@DefaultValue("1000") int celebrityThreshold) {
}
