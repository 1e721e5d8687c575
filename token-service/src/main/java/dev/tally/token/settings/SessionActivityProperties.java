package dev.tally.token.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.session.*} as the token service reads it.
 *
 * @param activityInterval a login session's use is recorded (extending its idle timeout) at most this often; a
 *                         session's idle timeout is therefore exact to within this interval
 */
@ConfigurationProperties("tally.session")
public record SessionActivityProperties(@DefaultValue("60s") Duration activityInterval) {

    public SessionActivityProperties {
        if (activityInterval.isNegative()) {
            throw new IllegalStateException("tally.session.activity-interval must not be negative, not " + activityInterval);
        }
    }
}
