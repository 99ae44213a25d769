package dev.twitterarch.common.auth;

import java.util.Optional;

import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.twitterarch.common.user.UserStore;
import dev.twitterarch.common.user.UserStore.Credentials;
import dev.twitterarch.common.web.ApiException;
import jakarta.validation.Valid;

/**
 * {@code POST /api/auth/login {"username", "password"}}: a signed token for the user. A wrong
 * password, an unknown user and a user created without a password get the same 401, and each costs
 * one password hash check, so neither the answer nor its timing tells which it was.
 */
@RestController
@RequestMapping("/api/auth")
class LoginController {

    private final UserStore users;
    private final PasswordEncoder passwords;
    private final TokenIssuer tokens;
    /** Compared against when there is no real hash, so that a miss takes as long as a wrong password. */
    private final String decoyHash;

    LoginController(UserStore users, PasswordEncoder passwords, TokenIssuer tokens) {
        this.users = users;
        this.passwords = passwords;
        this.tokens = tokens;
        this.decoyHash = passwords.encode("no user has this password " + System.nanoTime());
    }

    @PostMapping(value = "/login", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    TokenResponse login(@Valid @RequestBody LoginRequest request) {
        Optional<Credentials> user = users.credentials(request.username());
        String hash = user.map(Credentials::passwordHash).orElse(null);
        boolean matches = passwords.matches(request.password(), hash == null ? decoyHash : hash);
        if (hash == null || !matches) {
            throw ApiException.unauthorized("wrong username or password (a user created without a password cannot log in;"
                    + " create one with POST /api/users/ {\"username\", \"email\", \"password\"})");
        }
        return tokens.issue(user.get().id(), user.get().username());
    }
}
