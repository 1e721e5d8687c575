package dev.tally.bench.scenario;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.OptionalLong;

/**
 * The password-grant scenario: the same prepared {@code grant_type=password} request of one user and client, every
 * time; the work measured is the password's verification (Argon2id at the server's cost) and the tokens it answers.
 * No offline access is asked of Tally, so no refresh-token family is started; a peer answers as it does.
 */
final class PasswordGrantSource implements RequestSource {
    private final List<HttpRequest> requests;
    private final OptionalLong expiresIn;
    private int next;

    PasswordGrantSource(List<HttpRequest> requests, int workerIndex, OptionalLong expiresIn) {
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("no password-grant requests");
        }
        this.requests = requests;
        this.expiresIn = expiresIn;
        this.next = workerIndex % requests.size();
    }

    /** The password grant of the endpoint's user, without what starts a family (offline access, a peer's scope). */
    static HttpRequest request(FamilyEndpoint endpoint, String extra) {
        return FormPost.to(endpoint.tokenUri(), "grant_type=password&" + endpoint.clientForm()
                + "&username=" + FormPost.enc(endpoint.username())
                + "&password=" + FormPost.enc(endpoint.password()) + extra);
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
