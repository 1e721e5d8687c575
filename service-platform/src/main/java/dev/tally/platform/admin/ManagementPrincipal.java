package dev.tally.platform.admin;

import dev.tally.kernel.management.ManagementScopes;
import jakarta.servlet.ServletRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who called the management API, as {@link ManagementAuthenticationFilter} established it and left it on the request
 * (attribute {@link #ATTRIBUTE}): the platform administrator, or a client of one tenant holding some
 * {@link ManagementScopes} over that tenant only.
 *
 * @param tenantId the tenant a management token is scoped to; {@code null} for the platform administrator
 * @param clientId the client the management token was issued to; {@code null} for the platform administrator
 * @param scopes   the management scopes the token carries (and the client still holds); empty for the administrator
 */
public record ManagementPrincipal(boolean platformAdmin, String tenantId, String clientId, List<String> scopes) {
    public static final String ATTRIBUTE = ManagementPrincipal.class.getName();
    public static final ManagementPrincipal PLATFORM_ADMIN = new ManagementPrincipal(true, null, null, List.of());

    public ManagementPrincipal {
        scopes = List.copyOf(scopes);
        if (!platformAdmin) {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(clientId, "clientId");
        }
    }

    public static ManagementPrincipal tenantClient(String tenantId, String clientId, List<String> scopes) {
        return new ManagementPrincipal(false, tenantId, clientId, scopes);
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    /** The caller the filter put on this request; empty when no filter ran (then nobody is trusted with anything). */
    public static Optional<ManagementPrincipal> of(ServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ManagementPrincipal p ? Optional.of(p) : Optional.empty();
    }

    /**
     * For what only the platform administrator may do inside a tenant's management API (e.g. grant management
     * scopes): a tenant's own management token must not widen its own power.
     *
     * @throws Forbidden for anyone else
     */
    public static void requirePlatformAdmin(ServletRequest request, String what) {
        if (!of(request).map(ManagementPrincipal::platformAdmin).orElse(false)) {
            throw new Forbidden(what + " may be changed by the platform administrator only");
        }
    }
}
