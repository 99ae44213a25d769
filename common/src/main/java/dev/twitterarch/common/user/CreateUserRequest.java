package dev.twitterarch.common.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

record CreateUserRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9_]{3,30}", message = "must be 3 to 30 letters, digits or underscores")
        String username,
        // (?U): Unicode's white space (U+00A0, U+0085, U+2028 ...), not only ASCII's; Cc controls and NUL,
        // Cf invisible format characters, Cs unpaired surrogates (the driver would store them as '?')
        @NotBlank @Size(max = 254)
        @Email(regexp = "(?U)[^\\s\\p{Cc}\\p{Cf}\\p{Cs}]+@[^\\s\\p{Cc}\\p{Cf}\\p{Cs}]+", message = "must be an e-mail address")
        String email) {
}
