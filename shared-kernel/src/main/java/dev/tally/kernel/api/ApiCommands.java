package dev.tally.kernel.api;

import dev.tally.kernel.tenant.SigningAlgorithm;
import java.util.List;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Commands of the API (resource server) aggregate. Lifetimes are whole seconds. */
public final class ApiCommands {
    private ApiCommands() {
    }

    /**
     * @param allowOfflineAccess whether clients may get refresh tokens for this API ({@code null}: no)
     * @param tokenDialect       the form of its access tokens ({@code null}: {@link TokenDialect#DEFAULT})
     */
    public record RegisterApi(String apiId, String tenantId, String identifier, String name, Long tokenLifetime,
                              Long tokenLifetimeForWeb, List<String> scopes, Boolean allowOfflineAccess,
                              TokenDialect tokenDialect, SigningAlgorithm signingAlg) {
        public RegisterApi(String apiId, String tenantId, String identifier, String name, Long tokenLifetime,
                           Long tokenLifetimeForWeb, List<String> scopes, Boolean allowOfflineAccess) {
            this(apiId, tenantId, identifier, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess, null, null);
        }
    }

    /** The new values of the changeable fields; {@code null} keeps a field as it is. */
    /** @param signingAlg {@code null} keeps it, {@code ""} follows the tenant's again, else ES256 or RS256 */
    public record UpdateApi(@TargetAggregateIdentifier String apiId, String tenantId, String name,
                            Long tokenLifetime, Long tokenLifetimeForWeb, List<String> scopes, Boolean allowOfflineAccess,
                            TokenDialect tokenDialect, String signingAlg) {
        public UpdateApi(String apiId, String tenantId, String name, Long tokenLifetime, Long tokenLifetimeForWeb,
                         List<String> scopes, Boolean allowOfflineAccess) {
            this(apiId, tenantId, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess, null, null);
        }
    }

    public record DeleteApi(@TargetAggregateIdentifier String apiId, String tenantId) {
    }
}
