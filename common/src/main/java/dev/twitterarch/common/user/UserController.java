package dev.twitterarch.common.user;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import dev.twitterarch.common.web.ApiException;
import jakarta.validation.Valid;

/** As {@code TweetController}: consumes and produces are declared, so a 406 or 415 has created no user. */
@RestController
@RequestMapping("/api/users")
class UserController {

    private final UserStore users;

    UserController(UserStore users) {
        this.users = users;
    }

    @PostMapping(value = {"", "/"}, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<UserProfile> create(@Valid @RequestBody CreateUserRequest request) {
        User user = users.create(request.username(), request.email());
        var location = ServletUriComponentsBuilder.fromCurrentContextPath().path("/api/users/{id}").build(user.id());
        return ResponseEntity.created(location)
                .body(new UserProfile(user.id(), user.username(), user.email(), user.createdAt(), 0, 0));
    }

    @GetMapping(value = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    UserProfile get(@PathVariable long id) {
        return users.profile(id).orElseThrow(() -> ApiException.notFound("user " + id + " not found"));
    }
}
