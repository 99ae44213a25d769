package dev.twitterarch.common.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * @param password optional: a user without one cannot log in, and acts only where
 *                 {@code X-User-ID} is trusted (the demos, {@code compare} and most tests create
 *                 such users). 8 to 72 characters; bcrypt reads at most 72 bytes, which
 *                 {@code UserController} checks. No control characters or unpaired surrogates:
 *                 a lone surrogate becomes '?' in UTF-8, so two different passwords would match.
 */
record CreateUserRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9_]{3,30}", message = "must be 3 to 30 letters, digits or underscores")
        String username,
        // (?U): Unicode's white space (U+00A0, U+0085, U+2028 ...), not only ASCII's; Cc controls and NUL,
        // Cf invisible format characters, Cs unpaired surrogates (the driver would store them as '?')
        @NotBlank @Size(max = 254)
        @Email(regexp = "(?U)[^\\s\\p{Cc}\\p{Cf}\\p{Cs}]+@[^\\s\\p{Cc}\\p{Cf}\\p{Cs}]+", message = "must be an e-mail address")
        String email,
        @Size(min = 8, max = 72, message = "must be 8 to 72 characters")
        @Pattern(regexp = "[^\\p{Cc}\\p{Cs}]*", message = "must not contain control characters or unpaired surrogates")
        String password) {
}
