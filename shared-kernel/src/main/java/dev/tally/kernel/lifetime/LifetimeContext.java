package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one decision depends on, apart from the instant of issue (the caller gives it).
 *
 * <p>The access token's base is the API's settings, or the tenant's {@code default_token_lifetime}
 * when the request's audience is only the tenant's userinfo endpoint
 * ({@link TokenRequest#userinfoOnly()}). Exactly one of the two must hold: an API for a userinfo-only
 * request, or no API for an API request, is a caller bug and rejected here.
 *
 * @param tenant  the tenant's lifetime settings
 * @param rules   the tenant's compiled rules
 * @param api     the API addressed; empty exactly when the request is userinfo-only
 * @param client  the OAuth client
 * @param user    the end user; empty for machine-to-machine tokens
 * @param request the token request
 */
public record LifetimeContext(
        TenantLifetimeSettings tenant,
        LifetimeRuleSet rules,
        Optional<ApiLifetimeSettings> api,
        ClientProfile client,
        Optional<UserProfile> user,
        TokenRequest request) {

    public LifetimeContext {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(request, "request");
        if (request.userinfoOnly() && api.isPresent()) {
            throw new IllegalArgumentException("a userinfo-only request must not name an API");
        }
        if (!request.userinfoOnly()) {
            if (api.isEmpty()) {
                throw new IllegalArgumentException("api settings are required unless the request is userinfo-only");
            }
            if (!api.get().identifier().equals(request.audience())) {
                throw new IllegalArgumentException("api identifier " + api.get().identifier()
                        + " does not match the request audience " + request.audience());
            }
        }
    }

    /** True for browser flows: the request says so, or the client is a SPA. */
    public boolean browserFlow() {
        return request.browserFlow() || client.appType() == AppType.SPA;
    }

    public static Builder builder(TenantLifetimeSettings tenant, ClientProfile client, TokenRequest request) {
        return new Builder(tenant, client, request);
    }

    /** Defaults: no rules, no API, no user. */
    public static final class Builder {
        private final TenantLifetimeSettings tenant;
        private final ClientProfile client;
        private final TokenRequest request;
        private LifetimeRuleSet rules = LifetimeRuleSet.empty();
        private ApiLifetimeSettings api;
        private UserProfile user;

        private Builder(TenantLifetimeSettings tenant, ClientProfile client, TokenRequest request) {
            this.tenant = tenant;
            this.client = client;
            this.request = request;
        }

        public Builder rules(LifetimeRuleSet rules) {
            this.rules = rules;
            return this;
        }

        public Builder api(ApiLifetimeSettings api) {
            this.api = api;
            return this;
        }

        public Builder user(UserProfile user) {
            this.user = user;
            return this;
        }

        public LifetimeContext build() {
            return new LifetimeContext(tenant, rules, Optional.ofNullable(api), client, Optional.ofNullable(user),
                    request);
        }
    }
}
