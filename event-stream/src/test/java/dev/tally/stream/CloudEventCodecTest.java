package dev.tally.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.session.SessionEvents.SessionStarted;
import dev.tally.kernel.stream.UnknownEventTypeException;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The CloudEvents form of kernel events, and back to Axon messages. */
class CloudEventCodecTest {
    static final Serializer SERIALIZER = Jackson3Serializer.builder().build();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
    static final String HASH = "a".repeat(64);
    static final Set<String> CORE = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64");

    final CloudEventCodec codec = new CloudEventCodec(SERIALIZER, false);

    static AccessTokenIssued accessToken() {
        return new AccessTokenIssued("acme", "jti-1", "cli-1", "usr_1", "https://api.acme.test", "read:orders",
                "authorization_code", T0, T0.plusSeconds(900), 900, "api.token_lifetime_for_web",
                List.of(TraceStep.set("api.token_lifetime_for_web", 900), TraceStep.clamp("tenant.max_token_lifetime_for_web", 900, false)),
                "ses_1", "rtf_1");
    }

    static RefreshTokenFamilyRevoked familyRevoked() {
        return new RefreshTokenFamilyRevoked("rtf_1", "acme", "usr_1", "ses_1", FamilyEndReason.PERMISSION_CHANGE,
                T0.plusSeconds(60), RevocationCause.permissionChange("chg-7"));
    }

    @Test
    void anIssuedAccessTokenIsACloudEventOfItsTenantWithoutAnAggregate() {
        EventMessage<AccessTokenIssued> event = new GenericEventMessage<>("evt-1", accessToken(), Map.of(), T0);
        CloudEventCodec.Outbound out = codec.encode(event, 42);

        JsonNode ce = JSON.readTree(out.value());
        assertThat(ce.get("specversion").asString()).isEqualTo("1.0");
        assertThat(ce.get("id").asString()).isEqualTo("evt-1");
        assertThat(ce.get("source").asString()).isEqualTo("/tally/tenants/acme");
        assertThat(ce.get("type").asString()).isEqualTo("dev.tally.token.AccessTokenIssued.v2");
        assertThat(ce.get("time").asString()).isEqualTo("2026-03-01T10:00:00.123456Z");
        assertThat(ce.get("datacontenttype").asString()).isEqualTo("application/json");
        assertThat(ce.get("tallytenantid").asString()).isEqualTo("acme");
        assertThat(ce.get("tallyglobalindex").asString()).isEqualTo("42");
        assertThat(ce.has("subject")).as("no aggregate, no subject").isFalse();
        assertThat(ce.has("tallyaggregateid")).isFalse();
        assertThat(ce.has("tallyaggregateseq")).isFalse();
        assertThat(ce.has("tallyredacted")).isFalse();
        assertThat(ce.get("data")).as("data is the payload JSON as the event store holds it")
                .isEqualTo(JSON.readTree(SERIALIZER.serialize(accessToken(), byte[].class).getData()));
        assertThat(new String(out.value(), StandardCharsets.UTF_8))
                .contains("\"data\":" + new String(SERIALIZER.serialize(accessToken(), byte[].class).getData(), StandardCharsets.UTF_8));
        assertThat(out.key()).as("token events are keyed by tenant").isEqualTo("acme");
        assertThat(out.aggregateId()).isNull();

        StreamedEvent streamed = codec.decode(out.value());
        assertThat(streamed.domainEvent()).isFalse();
        assertThat(streamed.known()).isTrue();
        assertThat(streamed.globalIndex()).isEqualTo(42);
        EventMessage<?> back = codec.toMessage(streamed);
        assertThat(back).isNotInstanceOf(DomainEventMessage.class);
        assertThat(back.getIdentifier()).isEqualTo("evt-1");
        assertThat(back.getTimestamp()).isEqualTo(T0);
        assertThat(back.getPayload()).isEqualTo(accessToken());
    }

    @Test
    void aRevokedFamilyIsACloudEventOfItsAggregate() {
        DomainEventMessage<RefreshTokenFamilyRevoked> event = new GenericDomainEventMessage<>("RefreshTokenFamily",
                "rtf_1", 4, familyRevoked(), MetaData.emptyInstance(), "evt-2", T0.plusSeconds(60));
        CloudEventCodec.Outbound out = codec.encode(event, 3_000_000_000L);

        JsonNode ce = JSON.readTree(out.value());
        assertThat(ce.get("type").asString()).isEqualTo("dev.tally.refresh.RefreshTokenFamilyRevoked.v2");
        assertThat(ce.get("subject").asString()).isEqualTo("rtf_1");
        assertThat(ce.get("tallyaggregatetype").asString()).isEqualTo("RefreshTokenFamily");
        assertThat(ce.get("tallyaggregateid").asString()).isEqualTo("rtf_1");
        assertThat(ce.get("tallyaggregateseq").asString()).isEqualTo("4");
        assertThat(ce.get("tallyglobalindex").asString()).as("beyond a CloudEvents Integer, as a string")
                .isEqualTo("3000000000");
        assertThat(ce.get("data").get("cause").get("kind").asString()).isEqualTo("user_permissions_changed");
        assertThat(out.key()).isEqualTo("rtf_1");

        StreamedEvent streamed = codec.decode(out.value());
        assertThat(streamed.aggregateSequence()).isEqualTo(4L);
        assertThat(streamed.globalIndex()).isEqualTo(3_000_000_000L);
        DomainEventMessage<?> back = (DomainEventMessage<?>) codec.toMessage(streamed);
        assertThat(back.getType()).isEqualTo("RefreshTokenFamily");
        assertThat(back.getAggregateIdentifier()).isEqualTo("rtf_1");
        assertThat(back.getSequenceNumber()).isEqualTo(4);
        assertThat(back.getIdentifier()).isEqualTo("evt-2");
        assertThat(back.getTimestamp()).isEqualTo(T0.plusSeconds(60));
        assertThat(back.getPayload()).isEqualTo(familyRevoked());
    }

    @Test
    void aStoredOlderRevisionIsPublishedUnderItsOwnTypeAndStillReads() {
        // an AccessTokenIssued recorded before revision 2 (no sid, no fid), as the store hands it over
        byte[] v1 = ("{\"tenantId\":\"acme\",\"jti\":\"jti-old\",\"clientId\":\"cli-1\",\"subject\":\"cli-1\","
                + "\"audience\":\"https://api.acme.test\",\"scope\":null,\"grantType\":\"client_credentials\","
                + "\"issuedAt\":\"2025-01-01T00:00:00Z\",\"expiresAt\":\"2025-01-01T01:00:00Z\",\"lifetimeSeconds\":3600,"
                + "\"decidedBy\":\"api.token_lifetime\",\"lifetimeTrace\":[]}").getBytes(StandardCharsets.UTF_8);
        SerializedObject<byte[]> stored = new SimpleSerializedObject<>(v1, byte[].class,
                AccessTokenIssued.class.getName(), "1");
        SerializedObject<byte[]> noMetaData = new SimpleSerializedObject<>("{}".getBytes(StandardCharsets.UTF_8),
                byte[].class, MetaData.class.getName(), null);
        EventMessage<?> event = new GenericEventMessage<>(new SerializedMessage<>("evt-old", stored, noMetaData, SERIALIZER),
                () -> Instant.parse("2025-01-01T00:00:00Z"));

        CloudEventCodec.Outbound out = codec.encode(event, 7);
        JsonNode ce = JSON.readTree(out.value());
        assertThat(ce.get("type").asString()).isEqualTo("dev.tally.token.AccessTokenIssued.v1");
        assertThat(ce.get("data")).isEqualTo(JSON.readTree(v1));

        AccessTokenIssued back = (AccessTokenIssued) codec.toMessage(codec.decode(out.value())).getPayload();
        assertThat(back.jti()).isEqualTo("jti-old");
        assertThat(back.sessionId()).isNull();
        assertThat(back.familyId()).isNull();
    }

    @Test
    void secretsAreRemovedUnlessTheTopicIsToldToCarryThem() {
        SessionStarted session = new SessionStarted("ses_1", "acme", "usr_1", "cli-1", HASH, T0, 3600, 86400,
                T0.plusSeconds(3600), T0.plusSeconds(86400));
        UserRegistered user = new UserRegistered("usr_1", "acme", "alice", "$argon2id$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA",
                Map.of("team", "blue"), List.of("admin"), List.of("read:orders"), T0);
        SigningKeyAdded key = new SigningKeyAdded("acme", "kid-1", SigningAlgorithm.ES256, "{\"kty\":\"EC\"}",
                "SEALED-PRIVATE-KEY", T0);

        List<EventMessage<?>> events = List.of(
                new GenericDomainEventMessage<>("Session", "ses_1", 0, session),
                new GenericDomainEventMessage<>("User", "usr_1", 0, user),
                new GenericDomainEventMessage<>("Tenant", "tenant:acme", 1, key));
        for (EventMessage<?> event : events) {
            CloudEventCodec.Outbound out = codec.encode(event, 1);
            String text = new String(out.value(), StandardCharsets.UTF_8);
            assertThat(text).doesNotContain(HASH).doesNotContain("argon2").doesNotContain("SEALED-PRIVATE-KEY");
            JsonNode ce = JSON.readTree(out.value());
            assertThat(ce.get("tallyredacted").asBoolean()).isTrue();
            StreamedEvent streamed = codec.decode(out.value());
            assertThat(streamed.redacted()).isTrue();
            assertThat(codec.toMessage(streamed).getPayload()).as("what is left still reads").isNotNull();
        }
        assertThat(JSON.readTree(codec.encode(events.get(0), 1).value()).get("data").get("userId").asString())
                .as("only secrets are removed").isEqualTo("usr_1");

        CloudEventCodec internal = new CloudEventCodec(SERIALIZER, true);
        for (EventMessage<?> event : events) {
            StreamedEvent streamed = internal.decode(internal.encode(event, 1).value());
            assertThat(streamed.redacted()).isFalse();
            assertThat(internal.toMessage(streamed).getPayload()).isEqualTo(event.getPayload());
        }
    }

    @Test
    void everyAttributeNameIsAValidCloudEventsName() {
        List<EventMessage<?>> events = List.of(
                new GenericEventMessage<>("evt-1", accessToken(), Map.of(), T0),
                new GenericDomainEventMessage<>("RefreshTokenFamily", "rtf_1", 4, familyRevoked()),
                new GenericDomainEventMessage<>("Tenant", "tenant:acme", 0,
                        new TenantCreated("acme", "Acme", SigningAlgorithm.ES256, T0)),
                new GenericDomainEventMessage<>("Session", "ses_1", 0, new SessionStarted("ses_1", "acme", "usr_1",
                        "cli-1", HASH, T0, 3600, 86400, T0.plusSeconds(3600), T0.plusSeconds(86400))));
        List<String> extensions = new ArrayList<>();
        for (EventMessage<?> event : events) {
            JsonNode ce = JSON.readTree(codec.encode(event, 1).value());
            for (String name : ce.propertyNames()) {
                // CloudEvents 1.0: lower-case ASCII letters and digits, and SHOULD NOT exceed 20 characters
                assertThat(name).matches("[a-z0-9]{1,20}");
                if (!CORE.contains(name)) {
                    extensions.add(name);
                }
            }
        }
        assertThat(extensions).allMatch(name -> name.startsWith("tally"))
                .contains("tallytenantid", "tallyglobalindex", "tallyaggregatetype", "tallyaggregateid",
                        "tallyaggregateseq", "tallyredacted");
    }

    @Test
    void whatIsNotATallyCloudEventIsRefusedWithAReason() {
        byte[] good = codec.encode(new GenericEventMessage<>("evt-1", accessToken(), Map.of(), T0), 1).value();
        assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedCloudEventException.class);
        assertThatThrownBy(() -> codec.decode(replace(good, "\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"")))
                .isInstanceOf(MalformedCloudEventException.class).hasMessageContaining("specversion");
        assertThatThrownBy(() -> codec.decode(replace(good, "\"source\":\"/tally/tenants/acme\"", "\"source\":\"/tally/tenants/other\"")))
                .isInstanceOf(MalformedCloudEventException.class).hasMessageContaining("source");
        assertThatThrownBy(() -> codec.decode(replace(good, "\"tallyglobalindex\":\"1\"", "\"tallyglobalindex\":\"-1\"")))
                .isInstanceOf(MalformedCloudEventException.class).hasMessageContaining("tallyglobalindex");
        StreamedEvent newer = codec.decode(replace(good, "AccessTokenIssued.v2", "AccessTokenIssued.v3"));
        assertThat(newer.known()).as("a newer producer's type reaches the handler, marked unknown").isFalse();
        assertThatThrownBy(() -> codec.toMessage(newer)).isInstanceOf(UnknownEventTypeException.class);
    }

    private static byte[] replace(byte[] json, String from, String to) {
        String text = new String(json, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }
}
