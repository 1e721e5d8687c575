package dev.tally.token.clientauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tally.platform.clientkeys.ClientJwksProperties;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetching a jwks_uri from a JDK HttpServer on loopback: what the address rule, the size cap and the timeout do. */
class JwksUriFetcherTest {
    static final String JWKS = "{\"keys\":[]}";
    HttpServer server;
    final AtomicReference<byte[]> served = new AtomicReference<>(JWKS.getBytes(StandardCharsets.UTF_8));
    final AtomicReference<Boolean> chunked = new AtomicReference<>(false);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            byte[] body = served.get();
            exchange.sendResponseHeaders(200, chunked.get() ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(3_000); // a server that does not answer: what the read timeout is for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static ClientJwksProperties settings(boolean allowPrivate, Duration readTimeout, int maxBytes) {
        return new ClientJwksProperties(true, allowPrivate, Duration.ofSeconds(2), readTimeout, maxBytes,
                Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    @Test
    void loopbackIsRefusedByDefault() {
        JwksUriFetcher fetcher = new JwksUriFetcher(settings(false, Duration.ofSeconds(2), 65536));

        assertThatThrownBy(() -> fetcher.fetch(url("/jwks"))).isInstanceOf(JwksUriFetcher.FetchFailed.class)
                .hasMessageContaining("may not be reached");
        assertThatThrownBy(() -> fetcher.fetch("http://localhost:" + server.getAddress().getPort() + "/jwks"))
                .as("by name too").isInstanceOf(JwksUriFetcher.FetchFailed.class).hasMessageContaining("may not be reached");
    }

    @Test
    void loopbackIsFetchedWhenThePlatformAllowsPrivateAddresses() throws Exception {
        JwksUriFetcher fetcher = new JwksUriFetcher(settings(true, Duration.ofSeconds(2), 65536));

        assertThat(fetcher.fetch(url("/jwks"))).isEqualTo(JWKS);
        chunked.set(true);
        assertThat(fetcher.fetch(url("/jwks"))).as("chunked").isEqualTo(JWKS);
    }

    @Test
    void httpIsRefusedUnlessAllowed() {
        JwksUriFetcher fetcher = new JwksUriFetcher(new ClientJwksProperties(false, true, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 65536, Duration.ofMinutes(5), Duration.ofSeconds(30)));

        assertThatThrownBy(() -> fetcher.fetch(url("/jwks"))).hasMessageContaining("scheme http");
    }

    @Test
    void aSetLargerThanTheCapIsRefusedWithOrWithoutALength() {
        JwksUriFetcher fetcher = new JwksUriFetcher(settings(true, Duration.ofSeconds(2), 1024));
        served.set(("{\"keys\":[],\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> fetcher.fetch(url("/jwks"))).hasMessageContaining("larger than 1024");
        chunked.set(true);
        assertThatThrownBy(() -> fetcher.fetch(url("/jwks"))).hasMessageContaining("larger than 1024");
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsAFailure() {
        JwksUriFetcher fetcher = new JwksUriFetcher(settings(true, Duration.ofMillis(300), 65536));

        assertThatThrownBy(() -> fetcher.fetch(url("/slow"))).hasMessageContaining("in time");
    }

    @Test
    void redirectsAreNotFollowed() {
        JwksUriFetcher fetcher = new JwksUriFetcher(settings(true, Duration.ofSeconds(2), 65536));

        assertThatThrownBy(() -> fetcher.fetch(url("/moved"))).hasMessageContaining("status 302");
    }

    @Test
    void onlyAddressesTheInternetRoutesArePublic() throws Exception {
        for (String internal : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "ff02::1",
                "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
            assertThat(JwksUriFetcher.isPublic(InetAddress.getByName(internal))).as(internal).isFalse();
        }
        for (String external : new String[] {"93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"}) {
            assertThat(JwksUriFetcher.isPublic(InetAddress.getByName(external))).as(external).isTrue();
        }
    }
}
