package dev.tally.token.protocol;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The form parameters of a request to an OAuth endpoint (token, introspection, revocation). RFC 6749 §3.2: no
 * parameter may appear more than once.
 */
public record OAuthRequest(Map<String, String[]> parameters) {

    /**
     * The parameters of a POST whose body is {@code application/x-www-form-urlencoded}, with none in the URL: a token
     * in a URL ends up in logs.
     */
    public static OAuthRequest formPost(HttpServletRequest http) {
        if (!isForm(http.getContentType())) {
            throw OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded");
        }
        if (http.getQueryString() != null && !http.getQueryString().isEmpty()) {
            throw OAuthError.invalidRequest("parameters belong in the body, not the URL");
        }
        return new OAuthRequest(http.getParameterMap());
    }

    private static boolean isForm(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The parameter's value, {@code null} when absent or empty. */
    public String single(String name) {
        String[] values = parameters.get(name);
        if (values == null || values.length == 0) {
            return null;
        }
        if (values.length > 1) {
            throw OAuthError.invalidRequest("parameter '" + name + "' is repeated");
        }
        return values[0].isEmpty() ? null : values[0];
    }

    public String required(String name) {
        String value = single(name);
        if (value == null) {
            throw OAuthError.invalidRequest("parameter '" + name + "' is required");
        }
        return value;
    }

    /** The space-delimited {@code scope} parameter (RFC 6749 §3.3), empty when absent. */
    public Scope scope() {
        return Scope.parse(single("scope"));
    }
}
