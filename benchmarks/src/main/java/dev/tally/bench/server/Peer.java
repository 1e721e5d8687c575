package dev.tally.bench.server;

import java.net.URI;

/**
 * Another OAuth 2 server the refresh scenario is measured against for comparison (Keycloak, say), known only by its
 * token endpoint, a confidential client and a user of it: the tool neither starts nor provisions it.
 *
 * @param scope sent with the password grant that starts each family; null for none
 * @param pid   its process, for CPU and memory; null to take the process listening on the endpoint's port
 */
public record Peer(URI tokenUri, String clientId, String clientSecret, String username, String password, String scope,
                   Long pid) {

    /** The TCP port its token endpoint listens on. */
    public int port() {
        int port = tokenUri.getPort();
        return port >= 0 ? port : "https".equals(tokenUri.getScheme()) ? 443 : 80;
    }

    /** Without the client secret and the password. */
    @Override
    public String toString() {
        return "Peer[" + tokenUri + ", client " + clientId + ", user " + username
                + (scope == null ? "" : ", scope " + scope) + (pid == null ? "" : ", pid " + pid) + "]";
    }
}
