package dev.tally.platform.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settings every Tally service runs with, at the lowest precedence so a deployment can still override them.
 * They are decisions, not tuning: one JSON convention, one serializer everywhere, no Axon Server.
 */
public class TallyDefaults implements EnvironmentPostProcessor {

    static {
        // Axon's update checker reports usage over the network and writes ~/.axoniq; Tally never wants it.
        System.setProperty("axoniq.update-checker.disabled", "true");
        System.setProperty("disable-axoniq-console-message", "true");
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("axon.axonserver.enabled", "false");
        // Axon's handler timeouts interrupt a command, query or event handler that runs past 30 s (a unit of work past
        // 60 s). An interrupt during a write closes H2's file channel, and with it the store for every thread, which
        // is worse than a slow handler; and each handler call walked its thread's stack to name its task. Tally
        // bounds its own waits instead: the pool's connection timeout, and in distributed mode the token service's
        // command timeout.
        defaults.put("axon.timeout.enabled", "false");
        // Jackson 3 is what Boot 4 ships; events, messages and snapshots all use it, so there is one JSON form.
        defaults.put("axon.serializer.general", "jackson3");
        defaults.put("axon.serializer.events", "jackson3");
        defaults.put("axon.serializer.messages", "jackson3");
        // The management API speaks snake_case, like the hosted providers whose configuration ports over.
        defaults.put("spring.jackson.property-naming-strategy", "SNAKE_CASE");
        // A misspelt setting must be an error, not a silently ignored field.
        defaults.put("spring.jackson.deserialization.fail-on-unknown-properties", "true");
        defaults.put("spring.jackson.default-property-inclusion", "non_null");
        // "durations in whole seconds": 3.5 is an error, not 3
        defaults.put("spring.jackson.deserialization.accept-float-as-int", "false");
        defaults.put("spring.mvc.problemdetails.enabled", "true");
        // Every module contributes its migrations under this folder; Flyway scans it across jars.
        defaults.put("spring.flyway.locations", "classpath:db/migration/tally");
        // Versions are partitioned per module (V1 event store, V2 command side, V3 token service, V4 query side), so a
        // module's new migration is often lower than another's latest: an existing database applies it, not refuses.
        defaults.put("spring.flyway.out-of-order", "true");
        // metrics and prometheus: names and figures only (e.g. tally.revocation.view.lag); no environment,
        // configuration or dumps. Only health is public: the others want the administrator's token (ActuatorAccessFilter).
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("server.error.include-stacktrace", "never");
        // Tomcat reports a request line, a header or a cookie it cannot parse at INFO, quoting it: a password in a
        // URL, a session cookie. Its warnings and errors still show. (Parameters never reach its decoder: see
        // RequestInputFilter.)
        defaults.put("logging.level.org.apache.coyote.http11.Http11Processor", "WARN");
        defaults.put("logging.level.org.apache.coyote.AbstractProcessor", "WARN");
        defaults.put("logging.level.org.apache.coyote.http2.Http2UpgradeHandler", "WARN");
        defaults.put("logging.level.org.apache.tomcat.util.http.parser.Cookie", "WARN");
        defaults.put("logging.level.org.apache.tomcat.util.http.Parameters", "WARN");
        // names the service in structured (ECS) lines, when an operator turns them on
        defaults.put("logging.structured.ecs.service.name", "tally");
        // one line per request (RequestLogFilter) only when asked for: --logging.level.tally.request=INFO
        defaults.put("logging.level.tally.request", "WARN");
        environment.getPropertySources().addLast(new MapPropertySource("tallyDefaults", defaults));
    }
}
