package dev.tally.kernel.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.axonframework.serialization.Revision;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The published event types are a contract: every kernel event has a name, and the names do not move. */
class EventTypesTest {

    /** The contract as published. A change here is a change for every outside consumer: add, never rename. */
    private static final List<String> PUBLISHED = List.of(
            "dev.tally.tenant.TenantCreated.v1",
            "dev.tally.tenant.TenantRenamed.v1",
            "dev.tally.tenant.TenantLifetimeSettingsChanged.v1",
            "dev.tally.tenant.TenantRefreshSettingsChanged.v1",
            "dev.tally.tenant.TenantPermissionChangePolicyChanged.v1",
            "dev.tally.tenant.TenantDefaultAudienceChanged.v1",
            "dev.tally.tenant.TenantDeleted.v1",
            "dev.tally.tenant.SigningKeyAdded.v1",
            "dev.tally.tenant.SigningKeyCreated.v1",
            "dev.tally.tenant.SigningKeyActivated.v1",
            "dev.tally.tenant.SigningKeyRetired.v1",
            "dev.tally.tenant.SigningKeyRevoked.v1",
            "dev.tally.tenant.SigningKeyRotationChanged.v1",
            "dev.tally.tenant.IssuanceRecordRetentionChanged.v1",
            "dev.tally.tenant.LegalHoldPlaced.v1",
            "dev.tally.tenant.LegalHoldLifted.v1",
            "dev.tally.tenant.IssuanceRecordsPruned.v1",
            "dev.tally.tenant.SigningKeyResealed.v1",
            "dev.tally.api.ApiRegistered.v1",
            "dev.tally.api.ApiRegistered.v2",
            "dev.tally.api.ApiUpdated.v1",
            "dev.tally.api.ApiUpdated.v2",
            "dev.tally.api.ApiDeleted.v1",
            "dev.tally.client.ClientRegistered.v1",
            "dev.tally.client.ClientUpdated.v1",
            "dev.tally.client.ClientSecretRotated.v1",
            "dev.tally.client.ClientRefreshSettingsChanged.v1",
            "dev.tally.client.ClientManagementScopesChanged.v1",
            "dev.tally.client.ClientAuthenticationChanged.v1",
            "dev.tally.client.ClientDeleted.v1",
            "dev.tally.rule.LifetimeRuleCreated.v1",
            "dev.tally.rule.LifetimeRuleUpdated.v1",
            "dev.tally.rule.LifetimeRuleDeleted.v1",
            "dev.tally.user.UserRegistered.v1",
            "dev.tally.user.UserUpdated.v1",
            "dev.tally.user.UserPermissionsChanged.v1",
            "dev.tally.user.UserPermissionsChanged.v2",
            "dev.tally.user.UserTokensRevoked.v1",
            "dev.tally.user.UserPasswordChanged.v1",
            "dev.tally.user.UserDeleted.v1",
            "dev.tally.session.SessionStarted.v1",
            "dev.tally.session.SessionExtended.v1",
            "dev.tally.session.SessionExpired.v1",
            "dev.tally.session.SessionRevoked.v1",
            "dev.tally.session.SessionRevoked.v2",
            "dev.tally.code.AuthorizationCodeIssued.v1",
            "dev.tally.code.AuthorizationCodeRedeemed.v1",
            "dev.tally.code.AuthorizationCodeReused.v1",
            "dev.tally.refresh.RefreshTokenFamilyStarted.v1",
            "dev.tally.refresh.TokenRotated.v1",
            "dev.tally.refresh.RefreshTokenReplayed.v1",
            "dev.tally.refresh.RefreshTokenUsed.v1",
            "dev.tally.refresh.ReuseDetected.v1",
            "dev.tally.refresh.RefreshTokenFamilyRevoked.v1",
            "dev.tally.refresh.RefreshTokenFamilyRevoked.v2",
            "dev.tally.refresh.RefreshTokenFamilyExpired.v1",
            "dev.tally.token.AccessTokenIssued.v1",
            "dev.tally.token.AccessTokenIssued.v2",
            "dev.tally.token.IdTokenIssued.v1",
            "dev.tally.token.AccessTokenRevoked.v1");

    @Test
    void publishedTypesAreExactlyTheContract() {
        assertThat(EventTypes.allTypes()).containsExactlyElementsOf(PUBLISHED);
    }

    @Test
    void everyKernelEventIsPublishedAtItsCurrentRevision() throws Exception {
        Set<Class<?>> kernelEvents = kernelEventClasses();
        assertThat(kernelEvents).as("kernel events found on the classpath").hasSizeGreaterThanOrEqualTo(41);

        Set<Class<?>> published = EventTypes.all().stream().map(EventTypes.EventType::payloadClass)
                .collect(Collectors.toSet());
        assertThat(published).as("every kernel event has a published name").containsAll(kernelEvents);

        for (EventTypes.EventType type : EventTypes.all()) {
            Revision revision = type.payloadClass().getAnnotation(Revision.class);
            assertThat(revision).as(type.name() + " has a @Revision").isNotNull();
            assertThat(type.currentRevision()).as(type.name() + ": the last published revision is the class's")
                    .isEqualTo(revision.value());
            assertThat(type.name()).as("the name ends in the event's simple name")
                    .endsWith("." + type.payloadClass().getSimpleName());
            assertThat(type.name()).as("the area is the kernel package")
                    .isEqualTo("dev.tally." + lastPackage(type.payloadClass()) + "." + type.payloadClass().getSimpleName());
        }
    }

    @Test
    void storedPayloadTypesMapToTypesAndBack() {
        String javaName = dev.tally.kernel.token.TokenEvents.AccessTokenIssued.class.getName();
        assertThat(EventTypes.typeOf(javaName, "2")).isEqualTo("dev.tally.token.AccessTokenIssued.v2");
        assertThat(EventTypes.typeOf(javaName, "1")).isEqualTo("dev.tally.token.AccessTokenIssued.v1");

        EventTypes.ParsedType parsed = EventTypes.parse("dev.tally.refresh.RefreshTokenFamilyRevoked.v1");
        assertThat(parsed.payloadTypeName()).isEqualTo(dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyRevoked.class.getName());
        assertThat(parsed.revision()).isEqualTo("1");
        assertThat(parsed.eventType().area()).isEqualTo("refresh");
    }

    @Test
    void unknownPayloadsRevisionsAndTypesAreRefusedByName() {
        assertThatThrownBy(() -> EventTypes.typeOf("com.example.SomethingHappened", "1"))
                .isInstanceOf(UnknownEventTypeException.class).hasMessageContaining("com.example.SomethingHappened");
        assertThatThrownBy(() -> EventTypes.typeOf(dev.tally.kernel.token.TokenEvents.AccessTokenIssued.class.getName(), "3"))
                .isInstanceOf(UnknownEventTypeException.class).hasMessageContaining("revision 3");
        assertThatThrownBy(() -> EventTypes.typeOf(dev.tally.kernel.token.TokenEvents.AccessTokenIssued.class.getName(), null))
                .isInstanceOf(UnknownEventTypeException.class);
        assertThat(EventTypes.isKnown("dev.tally.token.AccessTokenIssued.v9")).isFalse();
        assertThat(EventTypes.isKnown("dev.tally.token.AccessTokenMinted.v1")).isFalse();
        assertThat(EventTypes.isKnown("com.example.AccessTokenIssued.v1")).isFalse();
        assertThat(EventTypes.isKnown("dev.tally.token.AccessTokenIssued")).isFalse();
        assertThat(EventTypes.isKnown("dev.tally.token.AccessTokenIssued.v2")).isTrue();
    }

    /** Every record with {@code @Revision} nested in a {@code dev.tally.kernel.*.*Events} class. */
    static Set<Class<?>> kernelEventClasses() throws IOException, ClassNotFoundException {
        Resource[] holders = new PathMatchingResourcePatternResolver()
                .getResources("classpath*:dev/tally/kernel/**/*Events.class");
        Set<Class<?>> events = new java.util.HashSet<>();
        List<String> names = new ArrayList<>();
        for (Resource holder : holders) {
            String path = holder.getURL().toString();
            String className = path.substring(path.lastIndexOf("dev/tally/kernel/"), path.length() - ".class".length())
                    .replace('/', '.');
            names.add(className);
            for (Class<?> nested : Class.forName(className).getDeclaredClasses()) {
                if (nested.isRecord() && nested.isAnnotationPresent(Revision.class)) {
                    events.add(nested);
                }
            }
        }
        assertThat(new TreeSet<>(names)).as("event holder classes").hasSizeGreaterThanOrEqualTo(9);
        return events;
    }

    private static String lastPackage(Class<?> type) {
        String pkg = type.getPackageName();
        return pkg.substring(pkg.lastIndexOf('.') + 1);
    }
}
