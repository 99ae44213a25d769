package dev.twitterarch.common.tweet;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import dev.twitterarch.common.limit.RateLimiter;
import dev.twitterarch.common.web.ActingUser;
import dev.twitterarch.common.web.ApiException;
import jakarta.validation.Valid;

/**
 * Every mapping says what it consumes and produces, so a request whose body or Accept header does
 * not fit is refused before the handler runs: a POST answered 406 or 415 has stored nothing.
 */
@RestController
@RequestMapping("/api/tweets")
class TweetController {

    private final TweetService service;
    private final TweetStore tweets;
    private final RateLimiter limits;

    TweetController(TweetService service, TweetStore tweets, RateLimiter limits) {
        this.service = service;
        this.tweets = tweets;
        this.limits = limits;
    }

    @PostMapping(value = {"", "/"}, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Tweet> post(ActingUser user, @Valid @RequestBody PostTweetRequest request) {
        limits.acquire(RateLimiter.Action.TWEET, user);
        Tweet tweet = service.post(user.id(), request.content());
        var location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/api/tweets/{id}").build(tweet.id());
        return ResponseEntity.created(location).body(tweet);
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    TweetView get(@PathVariable long id) {
        return tweets.find(id).orElseThrow(() -> ApiException.notFound("tweet " + id + " not found"));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(ActingUser user, @PathVariable long id) {
        service.delete(user.id(), id);
        return ResponseEntity.noContent().build();
    }
}
