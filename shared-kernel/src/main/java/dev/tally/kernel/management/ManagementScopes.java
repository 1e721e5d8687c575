package dev.tally.kernel.management;

import java.util.List;
import java.util.Set;

/**
 * Tenant-scoped management: a client of a tenant that the platform administrator granted some of these scopes
 * obtains, with client credentials and {@code audience=urn:tally:management}, an access token that opens the
 * management API of its own tenant only ({@code /admin/tenants/{tenant}/**} and {@code /t/{tenant}/revocations}).
 */
public final class ManagementScopes {
    /** The audience of management tokens; no API of a tenant may use this identifier. */
    public static final String AUDIENCE = "urn:tally:management";
    /** Every method under {@code /admin/tenants/{tenant}/**}, and the revocation list. */
    public static final String ADMIN = "tenant:admin";
    /** {@code GET} under {@code /admin/tenants/{tenant}/**} (audit, sessions, families, configuration), and the revocation list. */
    public static final String READ = "tenant:read";
    /** {@code GET /t/{tenant}/revocations} only: what a resource server needs. */
    public static final String REVOCATIONS_READ = "revocations:read";

    public static final List<String> ALL = List.of(ADMIN, READ, REVOCATIONS_READ);
    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private ManagementScopes() {
    }

    public static boolean known(String scope) {
        return KNOWN.contains(scope);
    }
}
