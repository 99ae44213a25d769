package dev.twitterarch.common.user;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import dev.twitterarch.common.web.ApiException;
import jakarta.validation.Valid;

/**
 * As {@code TweetController}: consumes and produces are declared, so a 406 or 415 has created no user.
 * Creating a user and reading profiles need no acting user (signing up is how one gets to be one).
 */
@RestController
@RequestMapping("/api/users")
class UserController {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_]{3,30}");
    private static final int BCRYPT_MAX_BYTES = 72;

    private final UserStore users;
    private final PasswordEncoder passwords;

    UserController(UserStore users, PasswordEncoder passwords) {
        this.users = users;
        this.passwords = passwords;
    }

    @PostMapping(value = {"", "/"}, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserProfile> create(@Valid @RequestBody CreateUserRequest request) {
        String hash = null;
        if (request.password() != null) {
            // bcrypt ignores what follows its 72nd byte (Spring's refuses it): 72 characters can be 288 bytes
            int bytes = request.password().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > BCRYPT_MAX_BYTES) {
                throw ApiException.badRequest("password: must be at most " + BCRYPT_MAX_BYTES + " bytes in UTF-8, was " + bytes);
            }
            hash = passwords.encode(request.password());
        }
        User user = users.create(request.username(), request.email(), hash);
        var location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/api/users/{id}").build(user.id());
        return ResponseEntity.created(location)
                .body(new UserProfile(user.id(), user.username(), user.email(), user.createdAt(), 0, 0));
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    UserProfile get(@PathVariable long id) {
        return users.profile(id).orElseThrow(() -> ApiException.notFound("user " + id + " not found"));
    }

    /** The same profile found by username, in any case: how the page turns "follow bob" into bob's id. */
    @GetMapping(value = "/by-username/{username}", produces = MediaType.APPLICATION_JSON_VALUE)
    UserProfile byUsername(@PathVariable String username) {
        if (!USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("'username' must be 3 to 30 letters, digits or underscores, was '"
                    + ApiException.abbreviate(username) + "'");
        }
        return users.idOf(username).flatMap(users::profile)
                .orElseThrow(() -> ApiException.notFound("user '" + username + "' not found"));
    }
}
