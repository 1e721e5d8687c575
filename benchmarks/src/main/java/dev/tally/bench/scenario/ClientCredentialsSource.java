package dev.tally.bench.scenario;

import dev.tally.bench.server.Peer;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.OptionalLong;

/**
 * The client-credentials scenario: the prepared, immutable token request of each tenant's machine client, shared
 * by all workers, taken round-robin from a per-worker starting point. Nothing in an answer changes the next request.
 */
final class ClientCredentialsSource implements RequestSource {
    private final List<HttpRequest> requests;
    /** The lifetime the answers must state; empty at a peer, whose lifetime is its own. */
    private final OptionalLong expiresIn;
    private int next;

    ClientCredentialsSource(List<HttpRequest> requests, int workerIndex) {
        this(requests, workerIndex, OptionalLong.of(Provisioning.TOKEN_LIFETIME));
    }

    ClientCredentialsSource(List<HttpRequest> requests, int workerIndex, OptionalLong expiresIn) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no token requests");
        }
        this.requests = requests;
        this.expiresIn = expiresIn;
        this.next = workerIndex % requests.size();
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

    @Override
    public String onSuccess(String body) {
        return null;
    }

    @Override
    public boolean survivesFailure() {
        return true;
    }
}
