package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.code.CodeCommands;
import dev.tally.kernel.code.CodeCommands.IssueAuthorizationCode;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeRedemption;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.InspectRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.kernel.refresh.RefreshTokenIntrospection;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.session.SessionCommands;
import dev.tally.kernel.session.SessionCommands.ExpireSession;
import dev.tally.kernel.session.SessionCommands.RevokeSession;
import dev.tally.kernel.session.SessionCommands.StartSession;
import dev.tally.kernel.session.SessionCommands.UseSession;
import dev.tally.kernel.session.SessionEndReason;
import dev.tally.kernel.session.SessionUse;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.CreateTenant;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.axon.StoreFailure;
import dev.tally.testsupport.PostgresTestDatabase;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import dev.tally.transport.CommandNotAccepted;
import dev.tally.transport.CommandServiceUnavailable;
import dev.tally.transport.HttpCommandBus;
import dev.tally.transport.ServiceToken;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command transport against a real command service (its own application class, profile distributed) on
 * PostgreSQL: the management API and commands over {@code POST /internal/commands} side by side, results and failures
 * arriving as the types the token service handles, the allow-list, the service token, and a command service that cannot
 * be reached or does not answer.
 */
class CommandTransportOnPostgresTest {
    static final PostgresTestDatabase DB = PostgresTestDatabase.create("tally_dist_transport");
    static ConfigurableApplicationContext command;
    static Serializer serializer;

    @BeforeAll
    static void startCommandService() {
        command = Services.command(Services.environment(DB));
        serializer = command.getBean("messageSerializer", Serializer.class);
    }

    @AfterAll
    static void stop() {
        command.close();
    }

    static CommandGateway gateway(String serviceToken) {
        return gateway(Services.url(command), serviceToken, Duration.ofSeconds(10));
    }

    static CommandGateway gateway(String url, String serviceToken, Duration timeout) {
        HttpCommandBus bus = new HttpCommandBus(URI.create(url), ServiceToken.of(serviceToken), serializer,
                Duration.ofSeconds(2), timeout);
        return DefaultCommandGateway.builder().commandBus(bus).build();
    }

    @Test
    void theManagementApiAndCommandsOverTheTransportWorkSideBySide() {
        String tenant = tenant("side");
        CommandGateway commands = gateway(Services.SERVICE_TOKEN);

        String familyId = RefreshTokens.newFamilyId();
        String first = RefreshTokens.newToken(familyId);
        Object created = commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant, "app", "usr_1", "ses_1",
                SecretHash.of(first), "openid offline_access", "https://api.side.test", RotationMode.ROTATE, 3600, 0, 0));
        assertThat(created).as("a creation answers the new aggregate's id").isEqualTo(familyId);

        String second = RefreshTokens.newToken(familyId);
        RefreshOutcome outcome = commands.sendAndWait(new RotateRefreshToken(familyId, tenant, "app", SecretHash.of(first),
                SecretHash.of(second), "jti-1"));
        assertThat(outcome.granted()).isTrue();
        assertThat(outcome.rotated()).isTrue();
        assertThat(outcome.generation()).isEqualTo(2);
        assertThat(outcome.userId()).isEqualTo("usr_1");
        assertThat(outcome.scope()).isEqualTo("openid offline_access");

        RefreshTokenIntrospection current = commands.sendAndWait(new InspectRefreshToken(familyId, tenant, SecretHash.of(second)));
        RefreshTokenIntrospection spent = commands.sendAndWait(new InspectRefreshToken(familyId, tenant, SecretHash.of(first)));
        assertThat(current.active()).isTrue();
        assertThat(current.clientId()).isEqualTo("app");
        assertThat(current.expiresAt()).isAfter(current.issuedAt());
        assertThat(spent.active()).isFalse();

        String sessionId = SessionCommands.newSessionId();
        assertThat((Object) commands.sendAndWait(new StartSession(sessionId, tenant, "usr_1", "app", SecretHash.of("cookie"),
                3600, 7200))).isEqualTo(sessionId);
        SessionUse use = commands.sendAndWait(new UseSession(sessionId, tenant, "app", 60));
        assertThat(use.alive()).isTrue();
        assertThat(use.absoluteDeadline()).isEqualTo(use.authTime().plusSeconds(7200));
        assertThat((Object) commands.sendAndWait(new RevokeSession(sessionId, tenant, SessionEndReason.LOGOUT))).isNull();
        SessionUse ended = commands.sendAndWait(new UseSession(sessionId, tenant, "app", 60));
        assertThat(ended.alive()).isFalse();
        assertThat(ended.endReason()).isEqualTo(SessionEndReason.LOGOUT);

        String code = "code-" + UUID.randomUUID();
        String verifier = "verifier-" + UUID.randomUUID();
        Instant authTime = Instant.parse("2026-11-22T09:59:00.123456Z");
        commands.sendAndWait(new IssueAuthorizationCode(CodeCommands.codeId(code), tenant, "app", "usr_1", null,
                "https://app.test/cb", s256(verifier), "openid", null, "n-1", authTime, 60));
        CodeRedemption redeemed = commands.sendAndWait(new RedeemAuthorizationCode(CodeCommands.codeId(code), tenant, "app",
                "https://app.test/cb", verifier, List.of("jti-a", "jti-b")));
        assertThat(redeemed.redeemed()).as(String.valueOf(redeemed)).isTrue();
        assertThat(redeemed.authTime()).isEqualTo(authTime);
        assertThat(redeemed.nonce()).isEqualTo("n-1");

        // what the commands recorded is in the shared store, as the command side recorded it
        assertThat(payloadTypes(familyId)).containsExactly("RefreshTokenFamilyStarted", "TokenRotated");
        assertThat(payloadTypes(sessionId)).containsExactly("SessionStarted", "SessionRevoked");
        // and the command side's catalog was written in the same transaction, as in process
        try (Connection c = DB.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT end_reason FROM session_catalog WHERE tenant_id = ? AND session_id = ?")) {
            s.setString(1, tenant);
            s.setString(2, sessionId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("logout");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A rotation whose append loses to another writer's (here a transaction the test holds open on the family's next
     * sequence number, then commits) arrives at the caller as a ConcurrencyException, which the token endpoint retries;
     * the retry decides on the winner's state.
     */
    @Test
    void anAppendThatLosesARaceArrivesAsAConcurrencyExceptionAndTheRetryDecidesOnTheWinnersState() throws Exception {
        String tenant = tenant("race");
        CommandGateway commands = gateway(Services.SERVICE_TOKEN);
        String familyId = RefreshTokens.newFamilyId();
        String first = RefreshTokens.newToken(familyId);
        commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant, "app", "usr_1", null, SecretHash.of(first),
                "openid offline_access", "https://api.race.test", RotationMode.ROTATE, 3600, 0, 0));
        RotateRefreshToken rotate = new RotateRefreshToken(familyId, tenant, "app", SecretHash.of(first),
                SecretHash.of(RefreshTokens.newToken(familyId)), "jti-race");

        try (Connection winner = DB.connect()) {
            winner.setAutoCommit(false);
            appendRevocation(winner, familyId, tenant, 1);
            CompletableFuture<Object> loser = CompletableFuture.supplyAsync(() -> commands.sendAndWait(rotate));
            awaitWaitingOnALock();
            winner.commit();

            assertThatThrownBy(loser::get).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(ConcurrencyException.class).matches(ConcurrentAppend::causedBy);
        }
        RefreshOutcome retried = commands.sendAndWait(rotate);
        assertThat(retried.granted()).as("decided on the revocation that won").isFalse();
        assertThat(payloadTypes(familyId)).containsExactly("RefreshTokenFamilyStarted", "RefreshTokenFamilyRevoked");

        // two creations of one aggregate: the second loses as a stream-creation race, which the caller also recognises
        assertThatThrownBy(() -> commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant, "app", "usr_1", null,
                SecretHash.of(first), null, "https://api.race.test", RotationMode.ROTATE, 3600, 0, 0)))
                .isInstanceOf(AggregateStreamCreationException.class).matches(ConcurrentAppend::causedBy);
    }

    @Test
    void unknownAggregatesAnotherTenantsAndNonsenseArriveAsTheExceptionsTheCallerHandles() {
        String tenant = tenant("missing");
        CommandGateway commands = gateway(Services.SERVICE_TOKEN);
        String unknown = RefreshTokens.newFamilyId();
        String token = RefreshTokens.newToken(unknown);

        assertThatThrownBy(() -> commands.sendAndWait(new RotateRefreshToken(unknown, tenant, "app", SecretHash.of(token),
                SecretHash.of(token + "x"), "jti")))
                .isInstanceOf(AggregateNotFoundException.class)
                .matches(e -> unknown.equals(((AggregateNotFoundException) e).getAggregateIdentifier()));
        assertThatThrownBy(() -> commands.sendAndWait(new RevokeSession("ses_nobody", tenant, SessionEndReason.LOGOUT)))
                .isInstanceOf(AggregateNotFoundException.class);

        String familyId = RefreshTokens.newFamilyId();
        commands.sendAndWait(new StartRefreshTokenFamily(familyId, tenant, "app", "usr_1", null,
                SecretHash.of(RefreshTokens.newToken(familyId)), null, "https://api.missing.test", RotationMode.ROTATE, 3600, 0, 0));
        assertThatThrownBy(() -> commands.sendAndWait(new RotateRefreshToken(familyId, "another-tenant", "app",
                SecretHash.of("a"), SecretHash.of("b"), "jti")))
                .isInstanceOf(NotFound.class).hasMessageContaining("another-tenant");
        assertThatThrownBy(() -> commands.sendAndWait(new StartRefreshTokenFamily(RefreshTokens.newFamilyId(), "no-such-tenant",
                "app", "usr_1", null, SecretHash.of("t"), null, "https://api", RotationMode.ROTATE, 3600, 0, 0)))
                .isInstanceOf(NotFound.class);
        assertThatThrownBy(() -> commands.sendAndWait(new StartRefreshTokenFamily(RefreshTokens.newFamilyId(), tenant,
                "app", "usr_1", null, "the-token-itself-not-its-hash", null, "https://api", RotationMode.ROTATE, 3600, 0, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenHash");
        assertThat(payloadTypes(familyId)).containsExactly("RefreshTokenFamilyStarted");
    }

    @Test
    void aCommandTheTokenServiceDoesNotSendIsRefusedWith403AndNothingHappens() {
        CommandGateway commands = gateway(Services.SERVICE_TOKEN);
        String tenant = "refused-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));

        assertThatThrownBy(() -> commands.sendAndWait(new CreateTenant(tenant, "Refused", SigningAlgorithm.ES256, null)))
                .isInstanceOf(CommandNotAccepted.class).matches(e -> ((CommandNotAccepted) e).status() == 403);
        assertThat(new TestHttp(Services.url(command), Services.ADMIN_TOKEN).admin("GET", "/admin/tenants/" + tenant, null)
                .status()).isEqualTo(404);
        String session = SessionCommands.newSessionId();
        assertThatThrownBy(() -> commands.sendAndWait(new ExpireSession(session, "acme")))
                .isInstanceOf(CommandNotAccepted.class).matches(e -> ((CommandNotAccepted) e).status() == 403);

        // an allowed command name with another payload type is refused before anything is read
        String body = "{\"command\":\"" + RotateRefreshToken.class.getName() + "\",\"payload_type\":\""
                + CreateTenant.class.getName() + "\",\"payload\":{\"tenantId\":\"" + tenant + "\",\"name\":\"x\"}}";
        HttpResponse<String> mixed = post(Services.SERVICE_TOKEN, body);
        assertThat(mixed.statusCode()).isEqualTo(403);
        assertThat(mixed.body()).contains("\"kind\":\"command_not_allowed\"");
        HttpResponse<String> malformed = post(Services.SERVICE_TOKEN, "not json");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"kind\":\"malformed\"");
    }

    @Test
    void onlyTheServiceTokenOpensTheInternalEndpoint() {
        CommandGateway wrong = gateway("a-wrong-service-token-of-sufficient-length");
        String familyId = RefreshTokens.newFamilyId();
        assertThatThrownBy(() -> wrong.sendAndWait(new InspectRefreshToken(familyId, "acme", SecretHash.of("t"))))
                .isInstanceOf(CommandNotAccepted.class).matches(e -> ((CommandNotAccepted) e).status() == 401);

        String body = "{\"command\":\"" + InspectRefreshToken.class.getName() + "\",\"payload_type\":\""
                + InspectRefreshToken.class.getName() + "\",\"payload\":{\"familyId\":\"" + familyId + "\"}}";
        HttpResponse<String> none = post(null, body);
        HttpResponse<String> admin = post(Services.ADMIN_TOKEN, body);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(admin.statusCode()).as("the administrator's token does not open the internal endpoint").isEqualTo(401);
        assertThat(admin.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(admin.body()).contains("\"kind\":\"unauthorized\"");
        // nor does the service token open the management API
        assertThat(new TestHttp(Services.url(command), Services.SERVICE_TOKEN).admin("GET", "/admin/tenants", null).status())
                .isEqualTo(401);
    }

    @Test
    void aCommandServiceThatCannotBeReachedOrDoesNotAnswerIsUnavailableNotAFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CommandGateway unreachable = gateway("http://localhost:" + closedPort, Services.SERVICE_TOKEN, Duration.ofSeconds(5));
        InspectRefreshToken inspect = new InspectRefreshToken(RefreshTokens.newFamilyId(), "acme", SecretHash.of("t"));
        assertThatThrownBy(() -> unreachable.sendAndWait(inspect))
                .isInstanceOf(CommandServiceUnavailable.class).matches(StoreFailure::causedBy);

        // accepts the connection, reads the request, never answers
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            CommandGateway mute = gateway("http://localhost:" + silent.getLocalPort(), Services.SERVICE_TOKEN,
                    Duration.ofMillis(500));
            long started = System.nanoTime();
            assertThatThrownBy(() -> mute.sendAndWait(inspect))
                    .isInstanceOf(CommandServiceUnavailable.class).hasMessageContaining("no answer")
                    .matches(StoreFailure::causedBy);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            silent.close();
            acceptor.join(2000);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    // ---- helpers

    private String tenant(String prefix) {
        String id = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        Response created = new TestHttp(Services.url(command), Services.ADMIN_TOKEN)
                .admin("POST", "/admin/tenants", Map.of("id", id, "name", "Transport " + prefix));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return id;
    }

    private static HttpResponse<String> post(String bearer, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Services.url(command) + "/internal/commands"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The simple names of an aggregate's events, in order, as stored. */
    private static List<String> payloadTypes(String aggregateId) {
        List<String> types = new ArrayList<>();
        try (Connection c = DB.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? ORDER BY sequence_number")) {
            s.setString(1, aggregateId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(1);
                    types.add(type.substring(type.lastIndexOf('$') + 1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }

    /** Appends a revocation of the family at {@code sequence} in the caller's (open) transaction, as another writer would. */
    private static void appendRevocation(Connection c, String familyId, String tenant, long sequence) throws Exception {
        Serializer events = command.getBean("eventSerializer", Serializer.class);
        SerializedObject<byte[]> payload = events.serialize(new RefreshTokenFamilyRevoked(familyId, tenant, "usr_1", null,
                FamilyEndReason.ADMINISTRATOR, Instant.now(), null), byte[].class);
        SerializedObject<byte[]> metadata = events.serialize(MetaData.emptyInstance(), byte[].class);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, "
                + "type, event_identifier, meta_data, payload, payload_revision, payload_type, time_stamp) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, familyId);
            s.setLong(2, sequence);
            s.setString(3, "RefreshTokenFamily");
            s.setString(4, UUID.randomUUID().toString());
            s.setBytes(5, metadata.getData());
            s.setBytes(6, payload.getData());
            s.setString(7, payload.getType().getRevision());
            s.setString(8, payload.getType().getName());
            s.setString(9, Instant.now().toString());
            s.executeUpdate();
        }
    }

    /** Until a statement of this test's database waits for a lock (the rotation's append, behind the open transaction). */
    private static void awaitWaitingOnALock() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = DB.connect(); PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the rotation never waited on the open transaction's row");
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
