package dev.tally.kernel.api;

import dev.tally.kernel.tenant.SigningAlgorithm;
import java.time.Instant;
import java.util.List;
import org.axonframework.serialization.Revision;

/** Events of the API aggregate. {@code identifier} is the audience of the API's tokens, unique in its tenant. */
public final class ApiEvents {
    private ApiEvents() {
    }

    public sealed interface ApiEvent permits ApiRegistered, ApiUpdated, ApiDeleted {
        String apiId();

        String tenantId();
    }

    /**
     * @param tokenLifetimeForWeb {@code null} when browser flows use {@code tokenLifetime}
     * @param tokenDialect        the form of the API's access tokens; absent from revision 1 events, which read as
     *                            {@link TokenDialect#DEFAULT} (the only form there was)
     * @param signingAlg          the algorithm of the API's access tokens, or {@code null} for the tenant's
     */
    @Revision("2")
    public record ApiRegistered(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                                Long tokenLifetimeForWeb, List<String> scopes, boolean allowOfflineAccess,
                                Instant createdAt, TokenDialect tokenDialect, SigningAlgorithm signingAlg)
            implements ApiEvent {
        public ApiRegistered {
            tokenDialect = tokenDialect == null ? TokenDialect.DEFAULT : tokenDialect;
        }

        public ApiRegistered(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                             Long tokenLifetimeForWeb, List<String> scopes, boolean allowOfflineAccess, Instant createdAt) {
            this(apiId, tenantId, identifier, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess,
                    createdAt, TokenDialect.DEFAULT, null);
        }
    }

    /**
     * The API's changeable state after the change, whole.
     *
     * @param tokenDialect absent from revision 1 events, which read as {@link TokenDialect#DEFAULT}
     * @param signingAlg   the algorithm of the API's access tokens, or {@code null} for the tenant's
     */
    @Revision("2")
    public record ApiUpdated(String apiId, String tenantId, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                             List<String> scopes, boolean allowOfflineAccess, TokenDialect tokenDialect,
                             SigningAlgorithm signingAlg) implements ApiEvent {
        public ApiUpdated {
            tokenDialect = tokenDialect == null ? TokenDialect.DEFAULT : tokenDialect;
        }

        public ApiUpdated(String apiId, String tenantId, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                          List<String> scopes, boolean allowOfflineAccess) {
            this(apiId, tenantId, name, tokenLifetime, tokenLifetimeForWeb, scopes, allowOfflineAccess, TokenDialect.DEFAULT,
                    null);
        }
    }

    @Revision("1")
    public record ApiDeleted(String apiId, String tenantId, String identifier) implements ApiEvent {
    }
}
