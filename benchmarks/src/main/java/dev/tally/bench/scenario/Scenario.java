package dev.tally.bench.scenario;

import dev.tally.bench.http.BenchException;
import dev.tally.bench.http.BodyExcerpt;
import dev.tally.bench.provision.Provisioning;
import dev.tally.bench.provision.TenantClient;
import dev.tally.bench.server.Peer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** What each iteration of a worker sends ({@code --scenario}), and how a scenario starts before the load. */
public enum Scenario {
    /** {@code grant_type=client_credentials}, the same prepared request every time. */
    CLIENT_CREDENTIALS("client_credentials", "token"),
    /** {@code grant_type=refresh_token}: each thread rotates its own family, presenting the token it got last. */
    REFRESH("refresh", "refresh"),
    /** RFC 7662 {@code POST /t/{tenant}/oauth/introspect} of one access token per tenant, by its own client. */
    INTROSPECT("introspect", "introspection"),
    /** {@code grant_type=password} of one user, the same prepared request every time (no offline access). */
    PASSWORD("password", "password grant");

    private final String option;
    /** What its requests are called in messages. */
    private final String requests;

    Scenario(String option, String requests) {
        this.option = option;
        this.requests = requests;
    }

    /** The value of {@code --scenario}. */
    public String option() {
        return option;
    }

    public static Scenario of(String option) {
        for (Scenario s : values()) {
            if (s.option.equals(option)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--scenario must be client_credentials, refresh, introspect or password, got: "
                + option);
    }

    /** The client each tenant needs: refresh rotation starts its families with a user's password grant. */
    public Provisioning.Clients clients() {
        return this == REFRESH || this == PASSWORD ? Provisioning.Clients.PASSWORD_WITH_ROTATION
                : Provisioning.Clients.MACHINE;
    }

    /**
     * One request of the scenario for one tenant before any load, to fail fast with the server's own words: client
     * credentials, an introspection, or a password grant and one refresh of the family it started (that family is
     * not used again).
     */
    public void smokeTest(HttpClient http, TenantClient c) throws IOException, InterruptedException {
        RequestSource source = switch (this) {
            case REFRESH -> RefreshRotationSource.start(http, FamilyEndpoint.of(c));
            case INTROSPECT -> new IntrospectionSource(List.of(IntrospectionSource.prepare(http, c)), 0);
            case CLIENT_CREDENTIALS -> new TokenRequestSource(List.of(TokenRequestSource.tokenRequest(c)), 0);
            case PASSWORD -> passwordSource(List.of(c), 0);
        };
        smokeTest(http, source, "tenant " + c.tenant());
    }

    /** The same for a peer: its client's token, an introspection of it, or a password grant and one refresh. */
    public void smokeTest(HttpClient http, Peer peer) throws IOException, InterruptedException {
        RequestSource source = switch (this) {
            case REFRESH -> RefreshRotationSource.start(http, FamilyEndpoint.of(withUser(peer)));
            case INTROSPECT -> new IntrospectionSource(List.of(IntrospectionSource.prepare(http, peer)), 0);
            case CLIENT_CREDENTIALS -> new TokenRequestSource(List.of(TokenRequestSource.tokenRequest(peer)),
                    0, OptionalLong.empty());
            case PASSWORD -> passwordSource(withUser(peer), 0);
        };
        smokeTest(http, source, "the peer");
    }

    private void smokeTest(HttpClient http, RequestSource source, String where)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(source.next(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new BenchException("first " + requests + " request for " + where + " failed: HTTP "
                    + r.statusCode() + " " + BodyExcerpt.of(r.body()));
        }
        String problem = source.validate(r.body());
        if (problem != null) {
            throw new BenchException("first " + requests + " response for " + where + " is invalid: "
                    + problem + " in " + BodyExcerpt.of(r.body()));
        }
    }

    /**
     * One source per worker, worker i on client i mod clients. For refresh each starts its own family here, one
     * password grant after the other, before the load starts.
     */
    public List<RequestSource> sources(HttpClient http, List<TenantClient> clients, int workers, PrintStream err)
            throws IOException, InterruptedException {
        List<RequestSource> sources = new ArrayList<>(workers);
        switch (this) {
            case REFRESH -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < workers; i++) {
                    sources.add(RefreshRotationSource.start(http, FamilyEndpoint.of(clients.get(i % clients.size()))));
                }
                err.printf(Locale.ROOT, "[bench] %d refresh token families started (password grant) in %.2f s%n",
                        workers, (System.nanoTime() - t0) / 1e9);
            }
            case INTROSPECT -> {
                List<IntrospectionSource.Prepared> prepared = new ArrayList<>();
                for (TenantClient c : clients) {
                    prepared.add(IntrospectionSource.prepare(http, c));
                }
                for (int i = 0; i < workers; i++) {
                    sources.add(new IntrospectionSource(prepared, i));
                }
            }
            case CLIENT_CREDENTIALS -> {
                List<HttpRequest> requests = clients.stream().map(TokenRequestSource::tokenRequest).toList();
                for (int i = 0; i < workers; i++) {
                    sources.add(new TokenRequestSource(requests, i));
                }
            }
            case PASSWORD -> {
                for (int i = 0; i < workers; i++) {
                    sources.add(passwordSource(clients, i));
                }
            }
        }
        return sources;
    }

    /** Tally's password grant for the bench API's audience, without offline_access: no family is started. */
    private static RequestSource passwordSource(List<TenantClient> clients, int worker) {
        List<HttpRequest> requests = clients.stream().map(c -> TokenRequestSource.passwordRequest(FamilyEndpoint.of(c),
                "&audience=" + FormPost.enc(Provisioning.AUDIENCE))).toList();
        return new TokenRequestSource(requests, worker);
    }

    /** A peer's password grant for its user, with no scope: its own answer, lifetime unchecked. */
    private static RequestSource passwordSource(Peer peer, int worker) {
        return new TokenRequestSource(List.of(TokenRequestSource.passwordRequest(FamilyEndpoint.of(peer), "")), worker,
                OptionalLong.empty());
    }

    /**
     * One source per worker at a peer: for refresh each with a family of its own started here, before the load; for
     * introspection one token of the peer's client, introspected by every worker.
     */
    public List<RequestSource> sources(HttpClient http, Peer peer, int workers, PrintStream err)
            throws IOException, InterruptedException {
        List<RequestSource> sources = new ArrayList<>(workers);
        switch (this) {
            case REFRESH -> {
                FamilyEndpoint endpoint = FamilyEndpoint.of(withUser(peer));
                long t0 = System.nanoTime();
                for (int i = 0; i < workers; i++) {
                    sources.add(RefreshRotationSource.start(http, endpoint));
                }
                err.printf(Locale.ROOT, "[bench] %d refresh token families started at the peer (password grant) in "
                        + "%.2f s%n", workers, (System.nanoTime() - t0) / 1e9);
            }
            case INTROSPECT -> {
                List<IntrospectionSource.Prepared> prepared = List.of(IntrospectionSource.prepare(http, peer));
                for (int i = 0; i < workers; i++) {
                    sources.add(new IntrospectionSource(prepared, i));
                }
            }
            case CLIENT_CREDENTIALS -> {
                List<HttpRequest> requests = List.of(TokenRequestSource.tokenRequest(peer));
                for (int i = 0; i < workers; i++) {
                    sources.add(new TokenRequestSource(requests, i, OptionalLong.empty()));
                }
            }
            case PASSWORD -> {
                for (int i = 0; i < workers; i++) {
                    sources.add(passwordSource(withUser(peer), i));
                }
            }
        }
        return sources;
    }

    /** The refresh and password scenarios need the peer's user; the others do not. */
    private static Peer withUser(Peer peer) {
        if (peer.username() == null) {
            throw new IllegalArgumentException("the " + "refresh and password scenarios at a peer need --peer-user");
        }
        return peer;
    }
}
