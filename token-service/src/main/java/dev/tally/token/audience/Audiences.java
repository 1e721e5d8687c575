package dev.tally.token.audience;

import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.OAuthRequest;
import dev.tally.token.view.TokenConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which API a request is for. It may name it with {@code audience} (the hosted providers' parameter) or with
 * {@code resource} (RFC 8707), both naming the API whose identifier equals the value; when it names neither, the
 * tenant's {@code default_audience} answers, and without one the request is for no API (what each grant then does is
 * its own). A Tally token is for one audience, so every named value must be the same one.
 *
 * <p>Every refusal is {@code invalid_target} (RFC 8707 §2), a malformed {@code resource} included: the RFC names that
 * error for a resource that is "invalid, unknown, or malformed".
 */
public class Audiences {
    static final String RESOURCE = "resource";
    static final String AUDIENCE = "audience";

    private final TokenConfig config;

    public Audiences(TokenConfig config) {
        this.config = config;
    }

    /**
     * The audience the request names, else the tenant's default; empty when neither.
     *
     * @throws OAuthError {@code invalid_target} when the request's values are malformed or disagree
     */
    public Optional<String> requested(String tenantId, String audience, List<String> resources) {
        Optional<String> named = named(audience, resources);
        return named.isPresent() ? named : config.defaultAudience(tenantId);
    }

    /** {@link #requested(String, String, List)} with a token request's {@code audience} and {@code resource} parameters. */
    public Optional<String> requested(String tenantId, OAuthRequest request) {
        return requested(tenantId, request.single(AUDIENCE), resources(request));
    }

    /** The audience a token request names itself (never the default); empty when it names none. */
    public static Optional<String> named(OAuthRequest request) {
        return named(request.single(AUDIENCE), resources(request));
    }

    /**
     * The one audience that {@code audience} and every {@code resource} name, or empty when none is given.
     *
     * @param audience  the {@code audience} parameter, {@code null} when absent
     * @param resources every {@code resource} parameter, in order (RFC 8707 lets it repeat)
     * @throws OAuthError {@code invalid_target} for a malformed resource, or values that name different audiences
     */
    public static Optional<String> named(String audience, List<String> resources) {
        Set<String> named = new LinkedHashSet<>();
        for (String resource : resources) {
            named.add(requireResource(resource));
        }
        if (named.size() > 1) {
            throw OAuthError.invalidTarget("the resource parameters name " + named.size()
                    + " different resources; a token is issued for one");
        }
        if (audience != null) {
            if (!named.isEmpty() && !named.contains(audience)) {
                throw OAuthError.invalidTarget("audience and resource name different resources; a token is issued for one");
            }
            return Optional.of(audience);
        }
        return named.stream().findFirst();
    }

    private static List<String> resources(OAuthRequest request) {
        String[] values = request.parameters().get(RESOURCE);
        return values == null ? List.of() : List.of(values);
    }

    /** RFC 8707 §2: an absolute URI without a fragment. */
    private static String requireResource(String resource) {
        if (resource == null || resource.isEmpty()) {
            throw OAuthError.invalidTarget("resource must be an absolute URI; it was empty");
        }
        URI uri;
        try {
            uri = new URI(resource);
        } catch (URISyntaxException e) {
            throw OAuthError.invalidTarget("resource must be an absolute URI (RFC 8707 §2)");
        }
        if (!uri.isAbsolute()) {
            throw OAuthError.invalidTarget("resource must be an absolute URI (RFC 8707 §2)");
        }
        if (resource.indexOf('#') >= 0) {
            throw OAuthError.invalidTarget("resource must not include a fragment (RFC 8707 §2)");
        }
        return resource;
    }
}
