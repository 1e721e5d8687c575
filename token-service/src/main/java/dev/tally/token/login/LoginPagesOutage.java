package dev.tally.token.login;

import dev.tally.token.view.StoreUnavailable;
import dev.tally.transport.CommandServiceUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The browser-facing pages when, in distributed mode, the command service cannot be asked (a login session to start
 * or use, a code to issue, a session to end), or, in any mode, the database holding login forms and failed-login
 * counts cannot be used: a plain 503 page that says to try again, never a 500.
 */
@RestControllerAdvice(assignableTypes = {AuthorizeEndpoint.class, LoginEndpoint.class, LogoutEndpoint.class})
public class LoginPagesOutage {
    private static final Logger LOG = LoggerFactory.getLogger(LoginPagesOutage.class);

    @ExceptionHandler(CommandServiceUnavailable.class)
    public ResponseEntity<String> onCommandServiceUnavailable(CommandServiceUnavailable e) {
        LOG.warn("the command service could not be asked: {}", e.getMessage());
        return Pages.message(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable",
                "Signing in is not possible at this moment. Please try again shortly.");
    }

    /** The login state's database, or the store a user or session is read from, could not be used. */
    @ExceptionHandler({LoginStateUnavailable.class, StoreUnavailable.class})
    public ResponseEntity<String> onStateUnavailable(RuntimeException e) {
        LOG.warn("{}: {}", e.getMessage(), e.getCause() == null ? "" : e.getCause().getMessage());
        return Pages.message(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable",
                "Signing in is not possible at this moment. Please try again shortly.");
    }
}
