package dev.tally.token.revocation;

import dev.tally.token.oauth.OAuthError;
import dev.tally.token.oauth.TokenRequest;
import jakarta.servlet.http.HttpServletRequest;
import dev.tally.support.axon.StoreFailure;
import org.springframework.http.MediaType;

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

    /**
     * The event store or the database failed (connection lost, timeout), or in distributed mode the command service
     * could not be asked: nothing was decided here.
     */
    static boolean storeFailure(Throwable thrown) {
        return StoreFailure.causedBy(thrown);
    }
}
