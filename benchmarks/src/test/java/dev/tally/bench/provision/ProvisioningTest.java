package dev.tally.bench.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.bench.fake.FakeTallyServer;
import dev.tally.bench.http.BenchException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management requests the tool sends before a run, as the fake server received them. */
class ProvisioningTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FakeTallyServer fake;

    @BeforeEach
    void start() throws Exception {
        fake = FakeTallyServer.start(0, "admin-t0ken", 0);
    }

    @AfterEach
    void stop() {
        fake.close();
        http.shutdownNow();
    }

    private Provisioning provisioning(String adminToken) {
        return new Provisioning(new ManagementApi(http, fake.baseUrl(), adminToken, Duration.ofSeconds(5)),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void eachTenantGetsTheBenchApiAndAMachineClient() throws Exception {
        List<TenantClient> clients = provisioning("admin-t0ken").provision(2, Provisioning.Clients.MACHINE);
        assertEquals(List.of(
                "POST /admin/tenants {\"id\":\"bench\",\"name\":\"Bench 1\"}",
                "POST /admin/tenants/bench/apis {\"identifier\":\"https://api.bench.test\",\"name\":\"Orders\","
                        + "\"token_lifetime\":3600}",
                "POST /admin/tenants/bench/clients {\"name\":\"load\",\"app_type\":\"non_interactive\","
                        + "\"grant_types\":[\"client_credentials\"]}",
                "POST /admin/tenants {\"id\":\"bench-2\",\"name\":\"Bench 2\"}",
                "POST /admin/tenants/bench-2/apis {\"identifier\":\"https://api.bench.test\",\"name\":\"Orders\","
                        + "\"token_lifetime\":3600}",
                "POST /admin/tenants/bench-2/clients {\"name\":\"load\",\"app_type\":\"non_interactive\","
                        + "\"grant_types\":[\"client_credentials\"]}"), fake.adminRequests());
        assertEquals(List.of("bench", "bench-2"), clients.stream().map(TenantClient::tenant).toList());
        TenantClient second = clients.get(1);
        assertEquals(URI.create(fake.baseUrl() + "/t/bench-2/oauth/token"), second.tokenUri());
        assertEquals(fake.baseUrl(), second.baseUrl());
        assertEquals(16, second.clientId().length());
        assertEquals(32, second.clientSecret().length());
        assertNull(second.username());
        assertNull(second.userId());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refreshRotationAlsoNeedsOfflineAccessAUserAndARotatingClient() throws Exception {
        TenantClient client = provisioning("admin-t0ken").provision(1, Provisioning.Clients.PASSWORD_WITH_ROTATION)
                .getFirst();
        List<String> requests = fake.adminRequests();
        assertEquals(4, requests.size(), requests.toString());
        assertEquals("POST /admin/tenants/bench/apis {\"identifier\":\"https://api.bench.test\",\"name\":\"Orders\","
                + "\"token_lifetime\":3600,\"allow_offline_access\":true}", requests.get(1));
        assertEquals("POST /admin/tenants/bench/users {\"username\":\"bench-user\",\"password\":\"" + client.password()
                + "\"}", requests.get(2));
        assertTrue(client.password().matches("[A-Za-z0-9]{20}"), "a random password of 20 letters and digits");
        assertEquals("POST /admin/tenants/bench/clients {\"name\":\"load\",\"app_type\":\"regular_web\","
                + "\"grant_types\":[\"password\",\"refresh_token\"],\"refresh_token\":{\"rotation\":\"rotate\"}}",
                requests.get(3));
        assertEquals("bench-user", client.username());
        assertTrue(client.userId().startsWith("usr_"), client.userId());
    }

    @Test
    void aTenantAndAnApiThatExistAlreadyAreReused() throws Exception {
        TenantClient first = provisioning("admin-t0ken").provision(1, Provisioning.Clients.MACHINE).getFirst();
        TenantClient second = provisioning("admin-t0ken").provision(1, Provisioning.Clients.MACHINE).getFirst();
        assertEquals("[bench] tenant bench exists already; reusing it\n"
                + "[bench] API https://api.bench.test exists already in tenant bench; reusing it\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
        assertNotEquals(first.clientId(), second.clientId(), "clients are always new");
    }

    @Test
    void aRefusalEndsTheRunWithTheServersWords() {
        BenchException e = assertThrows(BenchException.class,
                () -> provisioning("wrong").provision(1, Provisioning.Clients.MACHINE));
        assertEquals("create tenant bench: expected HTTP 201, got 401 "
                + "{\"error\":\"unauthorized\",\"error_description\":\"bad admin token\"}", e.getMessage());
    }
}
