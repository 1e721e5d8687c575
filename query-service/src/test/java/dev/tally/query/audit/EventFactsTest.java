package dev.tally.query.audit;

import static dev.tally.query.Fixtures.HASH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.query.Fixtures;
import dev.tally.query.web.QueryJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class EventFactsTest {
    static final Instant T = Instant.parse("2026-03-01T10:00:00.123456Z");

    @Test
    void aClientCredentialsTokenHasNoUserItsSubjectIsTheClient() {
        EventFacts facts = EventFacts.of(Fixtures.clientToken("acme", "jti-1", "cli-1", T));
        assertThat(facts.tenantId()).isEqualTo("acme");
        assertThat(facts.clientId()).isEqualTo("cli-1");
        assertThat(facts.userId()).isNull();
        assertThat(facts.jti()).isEqualTo("jti-1");
        assertThat(facts.occurredAt()).isEqualTo(T);
    }

    @Test
    void aUserTokenNamesItsUserSessionAndFamily() {
        EventFacts facts = EventFacts.of(Fixtures.userToken("acme", "jti-2", "cli-1", "usr_1", "ses_1", "rtf_1", T));
        assertThat(facts.userId()).isEqualTo("usr_1");
        assertThat(facts.sessionId()).isEqualTo("ses_1");
        assertThat(facts.familyId()).isEqualTo("rtf_1");
    }

    @Test
    void theInstantIsTheOneThePayloadCarriesAndNoneWhenItHasNone() {
        Instant recorded = T.plusSeconds(30);
        assertThat(EventFacts.of(new dev.tally.kernel.session.SessionEvents.SessionExpired("ses_1", "acme", "usr_1",
                dev.tally.kernel.session.SessionEndReason.IDLE, T, recorded)).occurredAt()).isEqualTo(recorded);
        assertThat(EventFacts.of(Fixtures.userDeleted("acme", "usr_1")).occurredAt()).isNull();
        assertThat(EventFacts.occurredAt(Fixtures.userDeleted("acme", "usr_1"), T)).isEqualTo(T);
        assertThat(EventFacts.of("not an event")).isNull();
    }

    @Test
    void detailsAreSnakeCaseWithWireNamesAndTheLifetimeTraceButNoSecrets() {
        JsonNode token = QueryJson.MAPPER.readTree(EventDetails.json(Fixtures.clientToken("acme", "jti-1", "cli-1", T)));
        assertThat(token.get("decided_by").asString()).isEqualTo("api.token_lifetime");
        assertThat(token.get("lifetime_trace").get(1).get("step").asString()).isEqualTo("tenant.max_token_lifetime");
        assertThat(token.get("lifetime_trace").get(1).get("clamped").asBoolean()).isFalse();
        assertThat(token.get("issued_at").asString()).isEqualTo("2026-03-01T10:00:00.123456Z");
        assertThat(token.get("lifetime_seconds").asLong()).isEqualTo(3600);

        String client = EventDetails.json(Fixtures.clientRegistered("acme", "cli-1", T));
        assertThat(client).doesNotContain(HASH).doesNotContain("secret_hash").contains("\"app_type\":\"non_interactive\"");
        String key = EventDetails.json(Fixtures.keyAdded("acme", T));
        assertThat(key).doesNotContain("SEALED-PRIVATE-KEY").doesNotContain("sealed").contains("public_jwk");
        String user = EventDetails.json(Fixtures.userRegistered("acme", "usr_1", T));
        assertThat(user).doesNotContain("argon2").doesNotContain("password_hash").contains("\"username\"");
        String family = EventDetails.json(Fixtures.familyStarted("acme", "rtf_1", "usr_1", "cli-1", "ses_1", T));
        assertThat(family).doesNotContain(HASH).contains("\"rotation\":\"rotate-sliding\"");
        String session = EventDetails.json(Fixtures.sessionStarted("acme", "ses_1", "usr_1", "cli-1", T));
        assertThat(session).doesNotContain(HASH).doesNotContain("cookie");
    }

    @Test
    void secretsAreRecognisedByName() {
        assertThat(dev.tally.kernel.crypto.SecretFields.isSecret("token_hash")).isTrue();
        assertThat(dev.tally.kernel.crypto.SecretFields.isSecret("presentedTokenHash")).isTrue();
        assertThat(dev.tally.kernel.crypto.SecretFields.isSecret("sealed_private_jwk")).isTrue();
        assertThat(dev.tally.kernel.crypto.SecretFields.isSecret("public_jwk")).isFalse();
        assertThat(dev.tally.kernel.crypto.SecretFields.isSecret("decided_by")).isFalse();
    }
}
