package dev.tally.command.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;

import dev.tally.command.catalog.InMemoryTenantDirectory;
import dev.tally.kernel.problem.Conflict;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.user.UserCommands.ChangeUserPassword;
import dev.tally.kernel.user.UserCommands.ChangeUserPermissions;
import dev.tally.kernel.user.UserCommands.DeleteUser;
import dev.tally.kernel.user.UserCommands.RegisterUser;
import dev.tally.kernel.user.UserCommands.UpdateUser;
import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserPermissionsChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserTokensRevoked;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.kernel.user.PermissionChangePolicy;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UserTest {
    static final Instant CREATED = Instant.parse("2026-11-21T10:00:00Z");
    static final Instant NOW = CREATED.plus(Duration.ofDays(1));
    static final String HASH = "$argon2id$v=19$m=7168,t=5,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    static final String NEW_HASH = "$argon2id$v=19$m=7168,t=5,p=1$bmV3c2FsdG5ld3NhbHQ$bmV3aGFzaG5ld2hhc2huZXdoYXNobmV3aGFzaG5ld2g";
    static final UserRegistered ALICE = new UserRegistered("usr_1", "acme", "Alice", HASH, Map.of("team", "blue"),
            List.of("admin", "editor"), List.of("read:orders"), CREATED);

    private AggregateTestFixture<User> fixture;
    private InMemoryTenantDirectory tenants;
    private InMemoryUserDirectory users;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(User.class);
        tenants = new InMemoryTenantDirectory().withTenant("acme");
        users = new InMemoryUserDirectory();
        fixture.registerInjectableResource(tenants);
        fixture.registerInjectableResource(users);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static RegisterUser register(String username, String hash, Map<String, String> metadata, List<String> roles,
                                 List<String> permissions) {
        return new RegisterUser("usr_1", "acme", username, hash, metadata, roles, permissions);
    }

    // --- RegisterUser

    @Test
    void registerUserThenRegisteredWithDuplicatesDroppedInOrderAndTimeFromTheClock() {
        fixture.givenNoPriorActivity()
                .when(register("Alice", HASH, Map.of("team", "blue"), List.of("admin", "editor", "admin"),
                        List.of("read:orders", "read:orders")))
                .expectEvents(new UserRegistered("usr_1", "acme", "Alice", HASH, Map.of("team", "blue"),
                        List.of("admin", "editor"), List.of("read:orders"), NOW));
    }

    @Test
    void registerUserWhenNoMetadataRolesOrPermissionsThenEmpty() {
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, null, null))
                .expectEvents(new UserRegistered("usr_1", "acme", "alice", HASH, Map.of(), List.of(), List.of(), NOW));
    }

    @Test
    void registerUserWhenTenantUnknownThenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUser("usr_1", "initech", "Alice", HASH, null, null, null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void registerUserWhenTenantDeletedThenNotFound() {
        tenants.withDeletedTenant("gone");
        fixture.givenNoPriorActivity()
                .when(new RegisterUser("usr_1", "gone", "Alice", HASH, null, null, null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void registerUserWhenUsernameMissingThenInvalidUsername() {
        fixture.givenNoPriorActivity()
                .when(register(" ", HASH, null, null, null))
                .expectException(invalid("username"))
                .expectNoEvents();
    }

    @Test
    void registerUserWhenUsernameHasSpaceThenInvalidUsername() {
        fixture.givenNoPriorActivity()
                .when(register("alice smith", HASH, null, null, null))
                .expectException(invalid("username"))
                .expectNoEvents();
    }

    @Test
    void registerUserWhenUsernameLongerThan128ThenInvalidUsername() {
        fixture.givenNoPriorActivity()
                .when(register("a".repeat(129), HASH, null, null, null))
                .expectException(invalid("username"))
                .expectNoEvents();
    }

    @Test
    void registerUserWhenUsernameTakenInAnotherCaseThenConflictOnUsername() {
        users.withUser("acme", "usr_0", "alice");
        fixture.givenNoPriorActivity()
                .when(register("ALICE", HASH, null, null, null))
                .expectException(conflict("username"))
                .expectNoEvents();
    }

    @Test
    void registerUserWhenUsernameTakenInAnotherTenantThenRegistered() {
        tenants.withTenant("globex");
        users.withUser("globex", "usr_0", "alice");
        fixture.givenNoPriorActivity()
                .when(register("Alice", HASH, Map.of("team", "blue"), List.of("admin", "editor"), List.of("read:orders")))
                .expectEvents(new UserRegistered("usr_1", "acme", "Alice", HASH, Map.of("team", "blue"),
                        List.of("admin", "editor"), List.of("read:orders"), NOW));
    }

    @Test
    void registerUserWhenPasswordHashMissingThenProgrammingErrorNotBadInput() {
        fixture.givenNoPriorActivity()
                .when(register("alice", null, null, null, null))
                .expectException(programmingError())
                .expectNoEvents();
    }

    @Test
    void registerUserWhenPasswordNotHashedWithArgon2idThenProgrammingErrorNotBadInput() {
        fixture.givenNoPriorActivity()
                .when(register("alice", "correct horse battery staple", null, null, null))
                .expectException(programmingError())
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(register("alice", "$argon2i$v=19$m=7168,t=5,p=1$c2FsdA$aGFzaA", null, null, null))
                .expectException(programmingError())
                .expectNoEvents();
    }

    @Test
    void registerUserWhenMetadataHasMoreThan20KeysThenInvalidUserMetadata() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            metadata.put("k" + i, "v");
        }
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, metadata, null, null))
                .expectException(invalid("user_metadata"))
                .expectExceptionMessage("may hold at most 20 keys")
                .expectNoEvents();
    }

    @Test
    void registerUserWhenMetadataValueLongerThan255ThenInvalidThatKey() {
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, Map.of("team", "x".repeat(256)), null, null))
                .expectException(invalid("user_metadata.team"))
                .expectNoEvents();
    }

    @Test
    void registerUserWhenMoreThan100RolesThenInvalidRoles() {
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, numbered("role", 101), null))
                .expectException(invalid("roles"))
                .expectExceptionMessage("may hold at most 100 entries")
                .expectNoEvents();
    }

    @Test
    void registerUserWhen100DistinctRolesAmongDuplicatesThenRegistered() {
        List<String> roles = new ArrayList<>(numbered("role", 100));
        roles.addAll(numbered("role", 50));
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, roles, null))
                .expectEvents(new UserRegistered("usr_1", "acme", "alice", HASH, Map.of(), numbered("role", 100), List.of(), NOW));
    }

    @Test
    void registerUserWhenRoleHasSpaceOrIsEmptyOrTooLongThenInvalidRoles() {
        for (String bad : List.of("team lead", "", "r".repeat(201), "tab\tbed", "no\u00a0break", "bell\u0007")) {
            fixture.givenNoPriorActivity()
                    .when(register("alice", HASH, null, List.of("admin", bad), null))
                    .expectException(invalid("roles"))
                    .expectNoEvents();
        }
    }

    @Test
    void registerUserWhenRoleIs200CharactersThenRegistered() {
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, List.of("r".repeat(200)), null))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void registerUserWhenPermissionInvalidOrTooManyThenInvalidPermissions() {
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, null, List.of("read orders")))
                .expectException(invalid("permissions"))
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(register("alice", HASH, null, null, numbered("perm", 101)))
                .expectException(invalid("permissions"))
                .expectNoEvents();
    }

    // --- UpdateUser

    @Test
    void updateUserUsernameThenWholeProfileRecorded() {
        users.withUser("acme", "usr_1", "alice");
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", "alice.smith", null))
                .expectEvents(new UserUpdated("usr_1", "acme", "alice.smith", Map.of("team", "blue")));
    }

    @Test
    void updateUserWhenOnlyTheCaseOfItsOwnUsernameChangesThenRecorded() {
        users.withUser("acme", "usr_1", "alice");
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", "ALICE", null))
                .expectEvents(new UserUpdated("usr_1", "acme", "ALICE", Map.of("team", "blue")));
    }

    @Test
    void updateUserWhenUsernameTakenByAnotherUserThenConflictOnUsername() {
        users.withUser("acme", "usr_1", "alice").withUser("acme", "usr_2", "bob");
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", "Bob", null))
                .expectException(conflict("username"))
                .expectNoEvents();
    }

    @Test
    void updateUserWhenUsernameInvalidThenInvalidUsername() {
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", "alice smith", null))
                .expectException(invalid("username"))
                .expectNoEvents();
    }

    @Test
    void updateUserMetadataThenRecordedWithUsernameKept() {
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", null, Map.of("team", "red", "floor", "3")))
                .expectEvents(new UserUpdated("usr_1", "acme", "Alice", Map.of("floor", "3", "team", "red")));
    }

    @Test
    void updateUserWhenMetadataTooLargeThenInvalidUserMetadata() {
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", null, Map.of("team", "x".repeat(256))))
                .expectException(invalid("user_metadata.team"))
                .expectNoEvents();
    }

    @Test
    void updateUserWhenNothingChangesThenNothingRecorded() {
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", "Alice", Map.of("team", "blue")))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "acme", null, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void updateUserFromAnotherTenantThenNotFound() {
        tenants.withTenant("globex");
        fixture.given(ALICE)
                .when(new UpdateUser("usr_1", "globex", "mallory", null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    // --- ChangeUserPermissions

    @Test
    void changeUserPermissionsThenBothListsRecordedWithThePreviousOnesAChangeIdAndTheDefaultPolicy() {
        List<Object> recorded = recorded(fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("viewer", "viewer"), List.of("read:orders", "write:orders"))));
        assertThat(recorded).hasSize(1);
        UserPermissionsChanged changed = (UserPermissionsChanged) recorded.get(0);
        assertThat(changed.changeId()).matches("pc_[A-Za-z0-9]{24}");
        assertThat(changed).isEqualTo(new UserPermissionsChanged("usr_1", "acme", List.of("viewer"),
                List.of("read:orders", "write:orders"), List.of("admin", "editor"), List.of("read:orders"), NOW,
                changed.changeId(), PermissionChangePolicy.REVOKE_REFRESH_TOKENS));
    }

    @Test
    void changeUserPermissionsWhenOnlyRolesGivenThenPermissionsKept() {
        List<Object> recorded = recorded(fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of(), null, PermissionChangePolicy.REVOKE_REFRESH_TOKENS)));
        UserPermissionsChanged changed = (UserPermissionsChanged) recorded.get(0);
        assertThat(recorded).containsExactly(new UserPermissionsChanged("usr_1", "acme", List.of(), List.of("read:orders"),
                List.of("admin", "editor"), List.of("read:orders"), NOW, changed.changeId(),
                PermissionChangePolicy.REVOKE_REFRESH_TOKENS));
    }

    @Test
    void changeUserPermissionsUnderRevokeAllThenTheUsersTokensAreRevokedAsOfTheChangeNamingIt() {
        List<Object> recorded = recorded(fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("viewer"), null, PermissionChangePolicy.REVOKE_ALL)));
        assertThat(recorded).hasSize(2);
        UserPermissionsChanged changed = (UserPermissionsChanged) recorded.get(0);
        assertThat(changed).isEqualTo(new UserPermissionsChanged("usr_1", "acme", List.of("viewer"), List.of("read:orders"),
                List.of("admin", "editor"), List.of("read:orders"), NOW, changed.changeId(), PermissionChangePolicy.REVOKE_ALL));
        assertThat(recorded.get(1)).isEqualTo(new UserTokensRevoked("usr_1", "acme", NOW,
                RevocationCause.permissionChange(changed.changeId())));
        assertThat(((UserTokensRevoked) recorded.get(1)).cause().kind()).isEqualTo("user_permissions_changed");
    }

    @Test
    void changeUserPermissionsUnderNoneThenOnlyTheChangeWithItsPolicy() {
        List<Object> recorded = recorded(fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", null, List.of(), PermissionChangePolicy.NONE)));
        UserPermissionsChanged changed = (UserPermissionsChanged) recorded.get(0);
        assertThat(recorded).containsExactly(new UserPermissionsChanged("usr_1", "acme", List.of("admin", "editor"),
                List.of(), List.of("admin", "editor"), List.of("read:orders"), NOW, changed.changeId(),
                PermissionChangePolicy.NONE));
    }

    @Test
    void everyChangeGetsItsOwnChangeId() {
        UserPermissionsChanged first = (UserPermissionsChanged) recorded(fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("viewer"), null))).get(0);
        UserPermissionsChanged second = (UserPermissionsChanged) recorded(fixture.given(ALICE, first)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("admin"), null))).get(0);
        assertThat(second.changeId()).isNotEqualTo(first.changeId());
        assertThat(second.previousRoles()).containsExactly("viewer");
    }

    @Test
    void changeUserPermissionsThatChangesNothingUnderAnyPolicyThenNothingRecorded() {
        for (PermissionChangePolicy policy : PermissionChangePolicy.values()) {
            fixture.given(ALICE)
                    .when(new ChangeUserPermissions("usr_1", "acme", List.of("editor", "admin"), List.of("read:orders"), policy))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }
    }

    @Test
    void changeUserPermissionsWhenSameEntriesInAnotherOrderThenNothingRecorded() {
        fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("editor", "admin"), List.of("read:orders")))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", null, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void changeUserPermissionsWhenEntryInvalidThenInvalidThatList() {
        fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", List.of("super user"), null))
                .expectException(invalid("roles"))
                .expectNoEvents();
        fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "acme", null, numbered("perm", 101)))
                .expectException(invalid("permissions"))
                .expectNoEvents();
    }

    @Test
    void changeUserPermissionsFromAnotherTenantThenNotFound() {
        fixture.given(ALICE)
                .when(new ChangeUserPermissions("usr_1", "globex", List.of("admin", "root"), null))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    // --- ChangeUserPassword

    @Test
    void changeUserPasswordThenNewHashRecordedAtTheClocksTime() {
        fixture.given(ALICE)
                .when(new ChangeUserPassword("usr_1", "acme", NEW_HASH))
                .expectEvents(new UserPasswordChanged("usr_1", "acme", NEW_HASH, NOW));
    }

    @Test
    void changeUserPasswordWhenNotAnArgon2idHashThenProgrammingError() {
        fixture.given(ALICE)
                .when(new ChangeUserPassword("usr_1", "acme", "hunter2hunter2"))
                .expectException(programmingError())
                .expectNoEvents();
    }

    @Test
    void changeUserPasswordFromAnotherTenantThenNotFound() {
        fixture.given(ALICE)
                .when(new ChangeUserPassword("usr_1", "globex", NEW_HASH))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    // --- DeleteUser

    @Test
    void deleteUserThenDeletedWithItsUsername() {
        fixture.given(ALICE)
                .when(new DeleteUser("usr_1", "acme"))
                .expectEvents(new UserDeleted("usr_1", "acme", "Alice"))
                .expectMarkedDeleted();
    }

    @Test
    void deleteUserFromAnotherTenantThenNotFound() {
        fixture.given(ALICE)
                .when(new DeleteUser("usr_1", "globex"))
                .expectException(NotFound.class)
                .expectNoEvents();
    }

    @Test
    void updateUserWhenDeletedThenAggregateDeleted() {
        fixture.given(ALICE, new UserDeleted("usr_1", "acme", "Alice"))
                .when(new UpdateUser("usr_1", "acme", "zombie", null))
                .expectException(AggregateDeletedException.class)
                .expectNoEvents();
    }

    // --- helpers

    private static List<String> numbered(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** An {@link IllegalArgumentException} that is not {@link InvalidInput}: the caller's bug, not a 400. */
    private static Matcher<?> programmingError() {
        return allOf(instanceOf(IllegalArgumentException.class), not(instanceOf(InvalidInput.class)));
    }

    private static Matcher<?> invalid(String field) {
        return failureOn(InvalidInput.class, InvalidInput::field, field);
    }

    private static Matcher<?> conflict(String field) {
        return failureOn(Conflict.class, Conflict::field, field);
    }

    private static <T extends Throwable> Matcher<?> failureOn(Class<T> type, Function<T, String> fieldOf, String field) {
        return new TypeSafeMatcher<Throwable>() {
            @Override
            protected boolean matchesSafely(Throwable thrown) {
                return type.isInstance(thrown) && field.equals(fieldOf.apply(type.cast(thrown)));
            }

            @Override
            public void describeTo(Description description) {
                description.appendText(type.getSimpleName() + " on field '" + field + "'");
            }
        };
    }

    /** The payloads the command recorded, for events whose ids are generated (a change id) and so cannot be spelt out. */
    private static List<Object> recorded(ResultValidator<User> result) {
        List<Object> payloads = new ArrayList<>();
        result.expectSuccessfulHandlerExecution().expectEventsMatching(new TypeSafeMatcher<List<EventMessage<?>>>() {
            @Override
            protected boolean matchesSafely(List<EventMessage<?>> events) {
                events.forEach(e -> payloads.add(e.getPayload()));
                return true;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("any events (checked afterwards)");
            }
        });
        return payloads;
    }
}
