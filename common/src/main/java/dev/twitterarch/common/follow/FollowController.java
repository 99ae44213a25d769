package dev.twitterarch.common.follow;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twitterarch.common.limit.RateLimiter;
import dev.twitterarch.common.web.ActingUser;
import jakarta.validation.Valid;

@RestController
@RequestMapping("/api/subscriptions")
class FollowController {

    private final FollowService follows;
    private final RateLimiter limits;

    FollowController(FollowService follows, RateLimiter limits) {
        this.follows = follows;
        this.limits = limits;
    }

    /**
     * 201 when the follow is new, 200 when it already existed: following twice changes nothing.
     * Consumes and produces are declared, so a 406 or 415 has followed no one.
     */
    @PostMapping(value = "/follow", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Follow> follow(ActingUser user, @Valid @RequestBody FollowRequest request) {
        limits.acquire(RateLimiter.Action.FOLLOW, user);
        Follow follow = follows.follow(user.id(), request.followeeId());
        return ResponseEntity.status(follow.created() ? HttpStatus.CREATED : HttpStatus.OK).body(follow);
    }

    @DeleteMapping("/unfollow/{followeeId}")
    ResponseEntity<Void> unfollow(ActingUser user, @PathVariable long followeeId) {
        limits.acquire(RateLimiter.Action.FOLLOW, user);
        follows.unfollow(user.id(), followeeId);
        return ResponseEntity.noContent().build();
    }
}
