package dev.tally.command.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.rule.RuleCommands.CreateLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.DeleteLifetimeRule;
import dev.tally.kernel.rule.RuleCommands.UpdateLifetimeRule;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.rule.RuleEffects.ExpiresAt;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleCreated;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleDeleted;
import dev.tally.kernel.rule.RuleEvents.LifetimeRuleUpdated;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantLifetimeRuleTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String ONBOARDING = "has(client.metadata.tier) && client.metadata.tier == \"onboarding\"";
    static final RuleEffects ONE_MINUTE = new RuleEffects(60L, null, null, null);
    static final LifetimeRuleCreated CREATED = new LifetimeRuleCreated("rule_1", "acme", "onboarding-m2m", 10, ONBOARDING,
            ONE_MINUTE, NOW);

    private AggregateTestFixture<TenantLifetimeRule> fixture;
    private InMemoryTenantDirectory directory;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(TenantLifetimeRule.class);
        directory = new InMemoryTenantDirectory().withTenant("acme");
        fixture.registerInjectableResource(directory);
        fixture.registerInjectableResource(new LifetimeRuleCompiler());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void createRuleThenCreated() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "onboarding-m2m", 10, ONBOARDING, ONE_MINUTE))
                .expectEvents(CREATED);
    }

    @Test
    void createRuleWithWallClockExpiryThenCreated() {
        RuleEffects midnight = new RuleEffects(null, null, null, new ExpiresAt("00:00"));
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_2", "acme", "midnight", null, "request.grant_type == \"client_credentials\"", midnight))
                .expectEvents(new LifetimeRuleCreated("rule_2", "acme", "midnight", 0,
                        "request.grant_type == \"client_credentials\"", midnight, NOW));
    }

    @Test
    void createRuleWhenConditionDoesNotParseThenInvalidConditionWithPosition() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "broken", 1, "client.app_type ==\n  'spa' &&", ONE_MINUTE))
                .expectNoEvents()
                .expectException(InvalidInput.class)
                .expectExceptionMessage(org.hamcrest.Matchers.startsWith("condition rejected at line 2, column 11"));
    }

    @Test
    void compileErrorCarriesLineAndColumnForTheProblemDetails() {
        InvalidInput rejected = null;
        try {
            new TenantLifetimeRule(new CreateLifetimeRule("rule_1", "acme", "typo", 1, "client.tier == \"gold\"", ONE_MINUTE),
                    directory, new LifetimeRuleCompiler(), Clock.fixed(NOW, ZoneOffset.UTC));
        } catch (InvalidInput e) {
            rejected = e;
        } catch (IllegalStateException noLifecycleOutsideAFixture) {
            // reaching apply() would mean the condition was accepted
        }
        assertThat(rejected).as("an unknown field of client is a compile error").isNotNull();
        assertThat(rejected.details()).containsEntry("line", 1).containsKey("column");
        assertThat((Integer) rejected.details().get("column")).isPositive();
    }

    @Test
    void createRuleWhenConditionIsNotBooleanThenInvalidCondition() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "number", 1, "1 + 2", ONE_MINUTE))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void createRuleWhenNoEffectThenInvalidEffects() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "nothing", 1, "true", new RuleEffects(null, null, null, null)))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void createRuleWhenBothAccessLifetimeAndExpiresAtThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "both", 1, "true", new RuleEffects(60L, null, null, new ExpiresAt("00:00"))))
                .expectException(InvalidInput.class);
    }

    @Test
    void createRuleWhenDailyAtMalformedThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "late", 1, "true", new RuleEffects(null, null, null, new ExpiresAt("25:00"))))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("'25:00' is not a time of day (HH:MM or HH:MM:SS)");
    }

    @Test
    void createRuleWhenLifetimeNotPositiveThenInvalid() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "zero", 1, "true", new RuleEffects(0L, null, null, null)))
                .expectException(InvalidInput.class);
    }

    @Test
    void createRuleWhenNameTakenInTenantThenConflict() {
        directory.withRuleName("acme", "onboarding-m2m");
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_2", "acme", "onboarding-m2m", 1, "true", ONE_MINUTE))
                .expectException(Conflict.class);
    }

    @Test
    void createRuleWhenNameHasSpacesThenInvalidName() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "acme", "on boarding", 1, "true", ONE_MINUTE))
                .expectException(InvalidInput.class);
    }

    @Test
    void createRuleWhenTenantUnknownThenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new CreateLifetimeRule("rule_1", "initech", "x", 1, "true", ONE_MINUTE))
                .expectException(NotFound.class);
    }

    @Test
    void updateRuleThenWholeNewStateRecorded() {
        fixture.given(CREATED)
                .when(new UpdateLifetimeRule("rule_1", "acme", null, 5, null, new RuleEffects(120L, null, null, null)))
                .expectEvents(new LifetimeRuleUpdated("rule_1", "acme", "onboarding-m2m", 5, ONBOARDING,
                        new RuleEffects(120L, null, null, null)));
    }

    @Test
    void updateRuleWhenNewConditionDoesNotCompileThenInvalidAndNothingRecorded() {
        fixture.given(CREATED)
                .when(new UpdateLifetimeRule("rule_1", "acme", null, null, "client.metadata.tier ==", null))
                .expectException(InvalidInput.class)
                .expectNoEvents();
    }

    @Test
    void updateRuleFromAnotherTenantThenNotFound() {
        fixture.given(CREATED)
                .when(new UpdateLifetimeRule("rule_1", "globex", "stolen", null, null, null))
                .expectException(NotFound.class);
    }

    @Test
    void deleteRuleThenDeleted() {
        fixture.given(CREATED)
                .when(new DeleteLifetimeRule("rule_1", "acme"))
                .expectEvents(new LifetimeRuleDeleted("rule_1", "acme", "onboarding-m2m"))
                .expectMarkedDeleted();
    }
}
