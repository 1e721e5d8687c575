package dev.tally.bench.scenario;

import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.server.Peer;
import java.net.URI;
import java.util.OptionalLong;

/**
 * Where a refresh worker's family lives and what the answers there must say: the token endpoint, the client that owns
 * the family, the user it is started for, what else the password grant asks for, and the {@code expires_in} of every
 * answer. For Tally that is a provisioned tenant with the bench API's audience, offline_access and the provisioned
 * lifetime; for a peer, what it was given with and lifetimes of its own.
 *
 * @param where              for messages: "tenant bench", "the peer"
 * @param passwordExtra      form parameters the password grant adds to the client's and the user's, each after '&'
 * @param expiresIn          what every answer must say; empty for a peer
 * @param noRefreshTokenHint the likely reason when a password grant returns no refresh token
 */
record FamilyEndpoint(String where, URI tokenUri, String clientId, String clientSecret, String username,
                      String password, String passwordExtra, OptionalLong expiresIn, String noRefreshTokenHint) {

    static FamilyEndpoint of(TenantClient c) {
        return new FamilyEndpoint("tenant " + c.tenant(), c.tokenUri(), c.clientId(), c.clientSecret(), c.username(),
                c.password(), "&audience=" + FormPost.enc(Provisioning.AUDIENCE) + "&scope=offline_access",
                OptionalLong.of(Provisioning.TOKEN_LIFETIME), "is offline_access granted?");
    }

    static FamilyEndpoint of(Peer p) {
        return new FamilyEndpoint("the peer", p.tokenUri(), p.clientId(), p.clientSecret(), p.username(),
                p.password(), p.scope() == null ? "" : "&scope=" + FormPost.enc(p.scope()), OptionalLong.empty(),
                "does its client allow the refresh_token grant, or does it need a --peer-scope?");
    }

    /** The same endpoint, with other form parameters after the password grant's own. */
    FamilyEndpoint withPasswordExtra(String extra) {
        return new FamilyEndpoint(where, tokenUri, clientId, clientSecret, username, password, extra, expiresIn,
                noRefreshTokenHint);
    }

    /** The client's credentials as a form, client_secret_post. */
    String clientForm() {
        return "client_id=" + FormPost.enc(clientId) + "&client_secret=" + FormPost.enc(clientSecret);
    }

    /** Without the client secret and the password. */
    @Override
    public String toString() {
        return "FamilyEndpoint[" + where + " at " + tokenUri + ", client " + clientId + ", user " + username + "]";
    }
}
