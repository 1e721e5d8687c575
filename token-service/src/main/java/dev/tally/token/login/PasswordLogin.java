package dev.tally.token.login;

import dev.tally.kernel.crypto.PasswordHasher;
import dev.tally.kernel.user.UserIds;
import dev.tally.token.metrics.TokenMetrics;
import dev.tally.token.view.TokenConfigState.UserView;
import dev.tally.token.view.Users;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Checks a username and password, for the login page and for the password grant alike: refuses while
 * {@link LoginThrottle} says to wait (before the password is looked at), verifies with Argon2id, and counts failures. An unknown username costs the same
 * verification as a wrong password, so timing does not tell which usernames exist.
 */
@Component
public class PasswordLogin {
    private static final String DUMMY_HASH = PasswordHasher.defaults().hash("not a password of anyone");

    private final Users users;
    private final LoginThrottle throttle;
    private final PasswordHasher verifier = PasswordHasher.defaults();
    private final TokenMetrics metrics;

    public PasswordLogin(Users users, LoginThrottle throttle, TokenMetrics metrics) {
        this.users = users;
        this.throttle = throttle;
        this.metrics = metrics;
    }

    /** The outcome: the user when the password was right, or how long to wait when throttled. */
    public record Outcome(UserView user, Duration retryAfter) {
        public boolean succeeded() {
            return user != null;
        }

        public boolean throttled() {
            return !retryAfter.isZero();
        }
    }

    public Outcome attempt(String tenantId, String username, String password, String address) {
        String canonical = username == null ? "" : UserIds.canonical(username.strip());
        Duration wait = throttle.retryAfter(tenantId, canonical, address);
        if (!wait.isZero()) {
            metrics.login(tenantId, TokenMetrics.Login.THROTTLED);
            return new Outcome(null, wait);
        }
        UserView user = canonical.isEmpty() ? null : users.byUsername(tenantId, canonical).orElse(null);
        boolean ok;
        if (user == null) {
            verifier.verify(password, DUMMY_HASH);
            ok = false;
        } else {
            ok = verifier.verify(password, user.passwordHash());
        }
        if (!ok) {
            throttle.failed(tenantId, canonical, address);
            metrics.login(tenantId, TokenMetrics.Login.FAILURE);
            return new Outcome(null, Duration.ZERO);
        }
        throttle.succeeded(tenantId, canonical, address);
        metrics.login(tenantId, TokenMetrics.Login.SUCCESS);
        return new Outcome(user, Duration.ZERO);
    }
}
