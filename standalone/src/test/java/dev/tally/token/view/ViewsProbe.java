package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.lifetime.CompiledLifetimeRule;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.token.signing.TenantSigningKey;
import java.time.Clock;
import java.util.Objects;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ApplicationContext;

/**
 * Test access to a token node's views: fresh views brought up the way a start does (from the whole store, or from the
 * newest checkpoint and the events after it), the running node's own, and a structural comparison of two sets.
 */
public final class ViewsProbe {
    private ViewsProbe() {
    }

    /** One set of the token node's views, and the start that filled them (null for a running node's). */
    public record Views(TokenConfig config, LoginSessions sessions, RevocationView revocations,
                        StartupReplay start) {
    }

    /** The running node's views. */
    public static Views live(ApplicationContext context) {
        return new Views(context.getBean(TokenConfig.class), context.getBean(LoginSessions.class), context.getBean(RevocationView.class),
                context.getBean(StartupReplay.class));
    }

    /** Fresh views, started as a node starts: from the newest readable checkpoint if {@code fromCheckpoint}. */
    public static Views start(ApplicationContext context, boolean fromCheckpoint) {
        Clock clock = context.getBean(Clock.class);
        TokenViewFailures failures = new TokenViewFailures(clock);
        TokenConfig config = new TokenConfig(context.getBean(MasterKey.class), context.getBean(LifetimeRuleCompiler.class));
        // users are not state of a node: read from the store on demand (compared by the requests the tests make)
        Users users = context.getBean(Users.class);
        LoginSessions sessions = new LoginSessions(new StoredSessions(context.getBean(EventStorageEngine.class)), 10_000);
        RevocationView revocations = new RevocationView();
        DefaultListableBeanFactory none = new DefaultListableBeanFactory();
        StartupReplay start = new StartupReplay(context.getBean(EventStorageEngine.class),
                new TokenConfigProjection(config, users, sessions, failures),
                new RevocationViewProjection(revocations, clock, none.getBeanProvider(
                        io.micrometer.core.instrument.MeterRegistry.class), failures),
                none.getBeanProvider(StartupReplay.Observer.class),
                fromCheckpoint ? context.getBeanProvider(ViewCheckpoints.class) : null);
        start.afterSingletonsInstantiated();
        assertThat(failures.failure(TokenViews.CONFIG)).isEmpty();
        assertThat(failures.failure(TokenViews.REVOCATIONS)).isEmpty();
        return new Views(config, sessions, revocations, start);
    }

    /**
     * The two sets hold the same state: every tenant (name, algorithms, keys by id and public key, settings, rules by id
     * and definition), API, client, session and revocation (users are read from the store, not held). Not compared: which aggregate sequence each view has
     * applied (a checkpoint leaves out ended aggregates), and the parts that are not state (compiler, catch-up).
     */
    public static void assertSameState(Views actual, Views expected) {
        assertThat(actual.config()).usingRecursiveComparison()
                .ignoringFields("appliedSequence", "ruleCompiler", "keysInReplay", "catchUp")
                .withEqualsForType(ViewsProbe::sameKey, TenantSigningKey.class)
                .withEqualsForType((a, b) -> a.rule().equals(b.rule()), CompiledLifetimeRule.class)
                .isEqualTo(expected.config());
        assertThat(actual.sessions()).usingRecursiveComparison().ignoringFields("appliedSequence", "source", "byId")
                .isEqualTo(expected.sessions());
        assertThat(actual.revocations().state()).isEqualTo(expected.revocations().state());
    }

    private static boolean sameKey(TenantSigningKey a, TenantSigningKey b) {
        return a.kid().equals(b.kid()) && a.algorithm().equals(b.algorithm()) && a.opened() == b.opened()
                && Objects.equals(a.publicJwk().toJSONString(), b.publicJwk().toJSONString());
    }
}
