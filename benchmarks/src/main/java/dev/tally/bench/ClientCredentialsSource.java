package dev.tally.bench;

import java.net.http.HttpRequest;
import java.util.List;

/**
 * The client-credentials scenario: the prepared, immutable token request of each tenant's machine client, shared
 * by all workers, taken round-robin from a per-worker starting point. Nothing in an answer changes the next request.
 */
final class ClientCredentialsSource implements RequestSource {
    private final List<HttpRequest> requests;
    private int next;

    ClientCredentialsSource(List<HttpRequest> requests, int workerIndex) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no token requests");
        }
        this.requests = requests;
        this.next = workerIndex % requests.size();
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
        return ClientCredentialsLoad.validateTokenResponse(body, ClientCredentialsLoad.TOKEN_LIFETIME);
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
