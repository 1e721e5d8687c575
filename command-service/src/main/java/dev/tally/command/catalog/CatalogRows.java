package dev.tally.command.catalog;

import dev.tally.kernel.client.ClientAuthSettings;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.rule.RuleEffects;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Rows of the command side's catalog, as the management API shows them. */
public final class CatalogRows {
    private CatalogRows() {
    }

    public record TenantRow(String id, String name, String signingAlg, Instant createdAt, Long maxTokenLifetime,
                            Long maxTokenLifetimeForWeb, Long defaultTokenLifetime, String timeZone,
                            Long sessionIdleTimeout, Long sessionAbsoluteTimeout, Long refreshTokenLifetime,
                            String refreshTokenRotation, Long refreshTokenIdleLifetime, Long refreshTokenLeeway,
                            String onRefreshTokenReuse, String onPermissionChange, Long signingKeyRotationInterval,
                            String defaultAudience, Long issuanceRecordRetention, LegalHold legalHold) {
    }

    /** A tenant's legal hold: since when, and why. */
    public record LegalHold(String reason, Instant since) {
    }

    public record ApiRow(String id, String identifier, String name, long tokenLifetime, Long tokenLifetimeForWeb,
                         List<String> scopes, boolean allowOfflineAccess, Instant createdAt, String tokenDialect,
                         String signingAlg) {
    }

    public record ClientRow(String clientId, String name, String appType, List<String> grantTypes,
                            Map<String, String> clientMetadata, boolean confidential, long idTokenLifetime,
                            List<String> callbacks, List<String> allowedLogoutUrls, Long sessionIdleTimeout,
                            Long sessionAbsoluteTimeout, RefreshTokenSettings refreshToken, List<String> managementScopes,
                            Instant createdAt, ClientAuthSettings authentication) {
    }

    public record RuleRow(String id, String name, int priority, String condition, RuleEffects effects, Instant createdAt) {
    }
}
