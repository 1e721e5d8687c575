package dev.tally.platform.input;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How large a request body may be before it is refused with 413, without being read further: {@code
 * tally.http.max-form-bytes} for {@code application/x-www-form-urlencoded} (the OAuth endpoints and the login form),
 * {@code tally.http.max-body-bytes} for every other body (the management API's JSON). A body is read into memory
 * whole before the request is handled, so these bound the memory a request can hold.
 */
@ConfigurationProperties("tally.http")
public record InputLimits(@DefaultValue("64KB") DataSize maxFormBytes, @DefaultValue("1MB") DataSize maxBodyBytes) {

    public InputLimits {
        if (maxFormBytes.toBytes() < 1 || maxBodyBytes.toBytes() < 1) {
            throw new IllegalArgumentException("tally.http.max-form-bytes and tally.http.max-body-bytes must be positive");
        }
        if (maxFormBytes.toBytes() > Integer.MAX_VALUE - 8 || maxBodyBytes.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tally.http.max-form-bytes and tally.http.max-body-bytes must be under 2 GB");
        }
    }

    public static InputLimits defaults() {
        return new InputLimits(DataSize.ofKilobytes(64), DataSize.ofMegabytes(1));
    }
}
