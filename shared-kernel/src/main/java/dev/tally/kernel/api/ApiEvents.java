package dev.tally.kernel.api;

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

    /** @param tokenLifetimeForWeb {@code null} when browser flows use {@code tokenLifetime} */
    @Revision("1")
    public record ApiRegistered(String apiId, String tenantId, String identifier, String name, long tokenLifetime,
                                Long tokenLifetimeForWeb, List<String> scopes, boolean allowOfflineAccess,
                                Instant createdAt) implements ApiEvent {
    }

    /** The API's changeable state after the change, whole. */
    @Revision("1")
    public record ApiUpdated(String apiId, String tenantId, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                             List<String> scopes, boolean allowOfflineAccess) implements ApiEvent {
    }

    @Revision("1")
    public record ApiDeleted(String apiId, String tenantId, String identifier) implements ApiEvent {
    }
}
