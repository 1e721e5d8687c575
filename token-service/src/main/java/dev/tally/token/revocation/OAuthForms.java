package dev.tally.token.revocation;

import dev.tally.token.oauth.OAuthError;
import dev.tally.token.oauth.TokenRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.MediaType;
import org.springframework.transaction.TransactionException;

/** What the introspection and revocation endpoints share with the token endpoint's request handling. */
final class OAuthForms {
    private OAuthForms() {
    }

    /** The form parameters of a POST whose body is {@code application/x-www-form-urlencoded}, none in the URL. */
    static TokenRequest formPost(HttpServletRequest http) {
        String contentType = http.getContentType();
        if (contentType == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType))) {
            throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded");
        }
        if (http.getQueryString() != null && !http.getQueryString().isEmpty()) {
            // A token in a URL ends up in logs.
            throw OAuthError.invalidRequest("parameters belong in the body, not the URL");
        }
        return new TokenRequest(http.getParameterMap());
    }

    /** The event store or the database failed (connection lost, timeout): nothing was recorded or decided. */
    static boolean storeFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EventStoreException || t instanceof TransactionException || t instanceof DataAccessException
                    || t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }
}
