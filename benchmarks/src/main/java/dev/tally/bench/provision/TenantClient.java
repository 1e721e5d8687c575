package dev.tally.bench.provision;

import java.net.URI;

/** One tenant's client, its token endpoint and, for the refresh scenario, the user whose families it starts. */
public record TenantClient(String tenant, String clientId, String clientSecret, URI tokenUri, String username,
                           String password, String userId) {

    /** The same client, asking the token service at {@code baseUrl}. */
    public TenantClient at(String baseUrl) {
        return new TenantClient(tenant, clientId, clientSecret, tokenUri(baseUrl, tenant), username, password, userId);
    }

    /** The server the token endpoint belongs to: the token URI up to {@code /t/}. */
    public String baseUrl() {
        String uri = tokenUri.toString();
        return uri.substring(0, uri.indexOf("/t/"));
    }

    static URI tokenUri(String baseUrl, String tenant) {
        return URI.create(baseUrl + "/t/" + tenant + "/oauth/token");
    }
}
