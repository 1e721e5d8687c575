package dev.tally.bench.scenario;

import dev.tally.bench.server.Peer;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.OptionalLong;

/**
 * The client-credentials and password scenarios: prepared, immutable token requests (each tenant's machine client's,
 * or its user's password grant), shared by all workers, taken round-robin from a per-worker starting point. Nothing
 * in an answer changes the next request.
 */
final class TokenRequestSource implements RequestSource {
    private final List<HttpRequest> requests;
    /** The lifetime the answers must state; empty at a peer, whose lifetime is its own. */
    private final OptionalLong expiresIn;
    private int next;

    TokenRequestSource(List<HttpRequest> requests, int workerIndex) {
        this(requests, workerIndex, OptionalLong.of(Provisioning.TOKEN_LIFETIME));
    }

    TokenRequestSource(List<HttpRequest> requests, int workerIndex, OptionalLong expiresIn) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no token requests");
        }
        this.requests = requests;
        this.expiresIn = expiresIn;
        this.next = workerIndex % requests.size();
    }

    /**
     * The password grant of the endpoint's user with {@code extra} in place of what starts a family (offline access,
     * a peer's scope): the refresh scenario's form, so both send the same grant.
     */
    static HttpRequest passwordRequest(FamilyEndpoint endpoint, String extra) {
        return FormPost.to(endpoint.tokenUri(), RefreshRotationSource.passwordForm(endpoint.withPasswordExtra(extra)));
    }

    /** The client-credentials request of the peer's confidential client ({@code client_secret_post}, no audience). */
    static HttpRequest tokenRequest(Peer peer) {
        return FormPost.to(peer.tokenUri(), "grant_type=client_credentials"
                + "&client_id=" + FormPost.enc(peer.clientId())
                + "&client_secret=" + FormPost.enc(peer.clientSecret()));
    }

    /** The client-credentials request of one tenant's client, prepared once and reused. */
    static HttpRequest tokenRequest(TenantClient c) {
        return FormPost.to(c.tokenUri(), "grant_type=client_credentials"
                + "&client_id=" + FormPost.enc(c.clientId())
                + "&client_secret=" + FormPost.enc(c.clientSecret())
                + "&audience=" + FormPost.enc(Provisioning.AUDIENCE));
    }

    @Override
    public HttpRequest next() {
        HttpRequest request = requests.get(next);
        if (++next == requests.size()) {
            next = 0;
        }
        return request;
    }

    @Override
    public String validate(String body) {
        return TokenResponseCheck.problem(body, expiresIn);
    }
}
