package dev.tally.platform.input;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code tally.http.*}: how large a request body may be. A body is read into memory whole before the request is
 * handled ({@link RequestInputFilter}), so these bound the memory one request can hold; a larger one is refused with
 * 413 without being read further.
 *
 * @param maxFormBytes the largest {@code application/x-www-form-urlencoded} body (the OAuth endpoints, the login form); larger ones are answered 413
 * @param maxBodyBytes the largest body of any other type (the management API's JSON); larger ones are answered 413
 */
@ConfigurationProperties("tally.http")
public record InputLimits(@DefaultValue("64KB") DataSize maxFormBytes, @DefaultValue("1MB") DataSize maxBodyBytes) {

    public InputLimits {
        if (maxFormBytes.toBytes() < 1 || maxBodyBytes.toBytes() < 1) {
            throw new IllegalStateException("tally.http.max-form-bytes and tally.http.max-body-bytes must be positive, not "
                    + maxFormBytes + " and " + maxBodyBytes);
        }
        if (maxFormBytes.toBytes() > Integer.MAX_VALUE - 8 || maxBodyBytes.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tally.http.max-form-bytes and tally.http.max-body-bytes must be under 2 GB");
        }
    }
}
