package dev.tally.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tally.kernel.refresh.RefreshCommands.RotateRefreshToken;
import dev.tally.platform.logging.RequestLogContext;
import dev.tally.platform.logging.RequestLogFilter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The command service's log lines for a command carry the id of the token node's request that sent it. */
class HttpCommandBusRequestIdTest {
    final List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server;
    HttpCommandBus bus;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.add(String.valueOf(exchange.getRequestHeaders().getFirst(RequestLogFilter.HEADER)));
            exchange.sendResponseHeaders(503, -1); // the answer does not matter here
            exchange.close();
        });
        server.start();
        bus = new HttpCommandBus(URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                ServiceToken.of("s".repeat(32)), Jackson3Serializer.builder().build(), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        MDC.clear();
        server.stop(0);
    }

    @Test
    void theRequestIdOfTheCallingThreadGoesWithTheCommand() {
        MDC.put(RequestLogContext.REQUEST_ID, "trace-42");
        bus.dispatch(GenericCommandMessage.asCommandMessage(command()), (message, result) -> { });
        MDC.remove(RequestLogContext.REQUEST_ID);
        bus.dispatch(GenericCommandMessage.asCommandMessage(command()), (message, result) -> { });

        assertThat(received).containsExactly("trace-42", "null");
    }

    private static Object command() {
        return new RotateRefreshToken("rtf_1", "acme", "app", "a".repeat(64),
                "b".repeat(64), "jti");
    }
}
