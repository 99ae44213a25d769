package dev.twitterarch.common.user;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

record CreateUserRequest(
        @NotNull @Pattern(regexp = "[A-Za-z0-9_]{3,30}", message = "must be 3 to 30 letters, digits or underscores")
        String username,
        @NotBlank @Size(max = 254) @Email(regexp = "[^\\s\\p{Cntrl}]+@[^\\s\\p{Cntrl}]+", message = "must be an e-mail address")
        String email) {
}
