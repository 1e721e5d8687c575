package dev.tally.command.api;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import dev.tally.command.catalog.TenantDirectory;
import dev.tally.kernel.api.ApiCommands.DeleteApi;
import dev.tally.kernel.api.ApiCommands.RegisterApi;
import dev.tally.kernel.api.ApiCommands.UpdateApi;
import dev.tally.kernel.api.ApiEvents.ApiDeleted;
import dev.tally.kernel.api.ApiEvents.ApiRegistered;
import dev.tally.kernel.api.ApiEvents.ApiUpdated;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.lifetime.ApiLifetimeSettings;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.DisplayNames;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** An API (resource server) of a tenant: the audience of access tokens, and how long they live. */
@Aggregate
public class Api {
    static final int MAX_IDENTIFIER = 600;
    static final int MAX_SCOPES = 100;
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}");

    @AggregateIdentifier
    private String apiId;
    private String tenantId;
    private String identifier;
    private String name;
    private long tokenLifetime;
    private Long tokenLifetimeForWeb;
    private List<String> scopes;
    private boolean allowOfflineAccess;
    private TokenDialect tokenDialect;
    /** The API's own access-token algorithm, or null for the tenant's. */
    private SigningAlgorithm signingAlg;

    protected Api() {
    }

    @CommandHandler
    public Api(RegisterApi command, TenantDirectory directory, Clock clock) {
        if (!directory.tenantActive(command.tenantId())) {
            throw new NotFound("tenant '" + command.tenantId() + "' does not exist");
        }
        String identifier = requireIdentifier(command.identifier());
        String name = DisplayNames.require(command.name());
        if (command.tokenLifetime() == null) {
            throw new InvalidInput("token_lifetime", "is required (seconds)");
        }
        requireLifetimes(identifier, command.tokenLifetime(), command.tokenLifetimeForWeb());
        List<String> scopes = requireScopes(command.scopes());
        if (directory.apiIdentifierTaken(command.tenantId(), identifier)) {
            throw new Conflict("identifier", "an API with identifier '" + identifier + "' already exists in this tenant");
        }
        apply(new ApiRegistered(command.apiId(), command.tenantId(), identifier, name, command.tokenLifetime(),
                command.tokenLifetimeForWeb(), scopes, Boolean.TRUE.equals(command.allowOfflineAccess()), clock.instant(),
                command.tokenDialect() == null ? TokenDialect.DEFAULT : command.tokenDialect(), command.signingAlg()));
    }

    @CommandHandler
    void handle(UpdateApi command) {
        requireSameTenant(command.tenantId());
        String newName = command.name() == null ? name : DisplayNames.require(command.name());
        long newLifetime = command.tokenLifetime() == null ? tokenLifetime : command.tokenLifetime();
        Long newWeb = command.tokenLifetimeForWeb() == null ? tokenLifetimeForWeb : command.tokenLifetimeForWeb();
        requireLifetimes(identifier, newLifetime, newWeb);
        List<String> newScopes = command.scopes() == null ? scopes : requireScopes(command.scopes());
        boolean newOffline = command.allowOfflineAccess() == null ? allowOfflineAccess : command.allowOfflineAccess();
        TokenDialect newDialect = command.tokenDialect() == null ? tokenDialect : command.tokenDialect();
        SigningAlgorithm newAlg = command.signingAlg() == null ? signingAlg
                : command.signingAlg().isEmpty() ? null : SigningAlgorithm.parse(command.signingAlg());
        if (!newName.equals(name) || newLifetime != tokenLifetime || !Objects.equals(newWeb, tokenLifetimeForWeb)
                || !newScopes.equals(scopes) || newOffline != allowOfflineAccess || newDialect != tokenDialect
                || newAlg != signingAlg) {
            apply(new ApiUpdated(apiId, tenantId, newName, newLifetime, newWeb, newScopes, newOffline, newDialect, newAlg));
        }
    }

    /**
     * The tenant's {@code default_audience} must name an API that exists, so the API it names cannot be deleted until
     * the default is changed or cleared: deleting it would silently move every request that names no audience to
     * another kind of token.
     */
    @CommandHandler
    void handle(DeleteApi command, TenantDirectory directory) {
        requireSameTenant(command.tenantId());
        if (directory.isDefaultAudience(tenantId, identifier)) {
            throw new Conflict("default_audience", "API '" + identifier + "' is the tenant's default_audience; "
                    + "change or clear default_audience before deleting it");
        }
        apply(new ApiDeleted(apiId, tenantId, identifier));
    }

    @EventSourcingHandler
    void on(ApiRegistered event) {
        this.apiId = event.apiId();
        this.tenantId = event.tenantId();
        this.identifier = event.identifier();
        this.name = event.name();
        this.tokenLifetime = event.tokenLifetime();
        this.tokenLifetimeForWeb = event.tokenLifetimeForWeb();
        this.scopes = event.scopes();
        this.allowOfflineAccess = event.allowOfflineAccess();
        this.tokenDialect = event.tokenDialect();
        this.signingAlg = event.signingAlg();
    }

    @EventSourcingHandler
    void on(ApiUpdated event) {
        this.name = event.name();
        this.tokenLifetime = event.tokenLifetime();
        this.tokenLifetimeForWeb = event.tokenLifetimeForWeb();
        this.scopes = event.scopes();
        this.allowOfflineAccess = event.allowOfflineAccess();
        this.tokenDialect = event.tokenDialect();
        this.signingAlg = event.signingAlg();
    }

    @EventSourcingHandler
    void on(ApiDeleted event) {
        markDeleted();
    }

    /** An API of another tenant is, to this tenant, an API that does not exist. */
    private void requireSameTenant(String commandTenant) {
        if (!tenantId.equals(commandTenant)) {
            throw new NotFound("no such API in tenant '" + commandTenant + "'");
        }
    }

    /**
     * The lifetimes must also make the kernel's {@link ApiLifetimeSettings}, which the token service builds from every
     * {@code ApiRegistered} and {@code ApiUpdated}: a lifetime the aggregate recorded and the token service's view
     * refused (one beyond a representable expiry, such as 2^63-1 seconds) left that view failing and health DOWN.
     */
    static void requireLifetimes(String identifier, long tokenLifetime, Long tokenLifetimeForWeb) {
        if (tokenLifetime <= 0) {
            throw new InvalidInput("token_lifetime", "must be a positive number of seconds");
        }
        if (tokenLifetimeForWeb != null) {
            if (tokenLifetimeForWeb <= 0) {
                throw new InvalidInput("token_lifetime_for_web", "must be a positive number of seconds");
            }
            if (tokenLifetimeForWeb > tokenLifetime) {
                throw new InvalidInput("token_lifetime_for_web",
                        "must not exceed token_lifetime (" + tokenLifetime + " s), got " + tokenLifetimeForWeb + " s");
            }
        }
        new ApiLifetimeSettings(identifier, tokenLifetime,
                tokenLifetimeForWeb == null ? OptionalLong.empty() : OptionalLong.of(tokenLifetimeForWeb));
    }

    private static String requireIdentifier(String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new InvalidInput("identifier", "is required: it is the audience of the API's tokens");
        }
        if (identifier.length() > MAX_IDENTIFIER || identifier.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInput("identifier", "must be at most " + MAX_IDENTIFIER + " characters without spaces");
        }
        if (identifier.equalsIgnoreCase(dev.tally.kernel.management.ManagementScopes.AUDIENCE)) {
            // The token endpoint issues management tokens for this audience; an API of that name would collide.
            throw new InvalidInput("identifier", "'" + dev.tally.kernel.management.ManagementScopes.AUDIENCE
                    + "' is reserved for Tally's management tokens");
        }
        return identifier;
    }


    /**
     * Scope tokens per RFC 6749 §3.3: printable ASCII without space, quote or backslash. At most {@link #MAX_SCOPES}:
     * without a bound, a list of 200,000 scopes overflowed the catalog's column and the management API answered 500
     * (found by the fuzz harness).
     */
    private static List<String> requireScopes(List<String> scopes) {
        if (scopes == null) {
            return List.of();
        }
        if (scopes.size() > MAX_SCOPES) {
            throw new InvalidInput("scopes", "may hold at most " + MAX_SCOPES + " scopes");
        }
        for (String s : scopes) {
            if (s == null || !SCOPE.matcher(s).matches()) {
                throw new InvalidInput("scopes", "'" + s + "' is not a valid scope token (RFC 6749 §3.3)");
            }
        }
        return List.copyOf(new LinkedHashSet<>(scopes));
    }
}
