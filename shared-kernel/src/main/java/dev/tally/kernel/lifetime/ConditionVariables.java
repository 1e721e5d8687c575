package dev.tally.kernel.lifetime;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.exceptions.CelAttributeNotFoundException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.StructValue;
import dev.cel.runtime.CelVariableResolver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables a rule condition sees, declared as CEL struct types so the checker rejects unknown
 * fields and wrong types when a rule is saved, and bound at run time to thin views over the
 * engine's records (no per-request map building).
 *
 * <ul>
 *   <li>{@code client}: {@code id}, {@code app_type}, {@code metadata} (map string to string),
 *       {@code created_at} (timestamp)</li>
 *   <li>{@code user}: {@code id}, {@code metadata}, {@code roles} (list of string), {@code created_at}.
 *       Always declared; for a machine-to-machine token it has no fields set, so
 *       {@code has(user.id)} is false, {@code user.roles} and {@code user.metadata} are empty, and
 *       reading {@code user.id} or {@code user.created_at} is an evaluation error (rule not matching).</li>
 *   <li>{@code request}: {@code grant_type}, {@code audience}, {@code scopes} (list of string),
 *       {@code browser_flow} (bool, true for SPA clients too), {@code userinfo_only} (bool)</li>
 *   <li>{@code now}: the whole-second issue time (timestamp)</li>
 * </ul>
 */
final class ConditionVariables {

    static final String CLIENT = "client";
    static final String USER = "user";
    static final String REQUEST = "request";
    static final String NOW = "now";

    private static final CelType STRING_MAP = MapType.create(SimpleType.STRING, SimpleType.STRING);
    private static final CelType STRING_LIST = ListType.create(SimpleType.STRING);

    static final StructType CLIENT_TYPE = StructType.create("tally.Client",
            ImmutableSet.of("id", "app_type", "metadata", "created_at"),
            field -> Optional.ofNullable(switch (field) {
                case "id", "app_type" -> SimpleType.STRING;
                case "metadata" -> STRING_MAP;
                case "created_at" -> SimpleType.TIMESTAMP;
                default -> null;
            }));

    static final StructType USER_TYPE = StructType.create("tally.User",
            ImmutableSet.of("id", "metadata", "roles", "created_at"),
            field -> Optional.ofNullable(switch (field) {
                case "id" -> SimpleType.STRING;
                case "metadata" -> STRING_MAP;
                case "roles" -> STRING_LIST;
                case "created_at" -> SimpleType.TIMESTAMP;
                default -> null;
            }));

    static final StructType REQUEST_TYPE = StructType.create("tally.Request",
            ImmutableSet.of("grant_type", "audience", "scopes", "browser_flow", "userinfo_only"),
            field -> Optional.ofNullable(switch (field) {
                case "grant_type", "audience" -> SimpleType.STRING;
                case "scopes" -> STRING_LIST;
                case "browser_flow", "userinfo_only" -> SimpleType.BOOL;
                default -> null;
            }));

    static final CelTypeProvider TYPES = new CelTypeProvider() {
        private final ImmutableList<CelType> types = ImmutableList.of(CLIENT_TYPE, USER_TYPE, REQUEST_TYPE);

        @Override
        public ImmutableCollection<CelType> types() {
            return types;
        }

        @Override
        public Optional<CelType> findType(String typeName) {
            for (CelType type : types) {
                if (type.name().equals(typeName)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    };

    private ConditionVariables() {
    }

    /**
     * The variables of one decision; built once and shared by every rule and token type. A resolver
     * rather than a map: CEL copies a map activation on every evaluation, but not a resolver.
     */
    static CelVariableResolver resolver(LifetimeContext context, boolean browserFlow, Instant now) {
        return new Resolver(
                Optional.of(new ClientValue(context.client())),
                Optional.of(context.user().<Object>map(UserValue::new).orElse(UserValue.ABSENT)),
                Optional.of(new RequestValue(context.request(), browserFlow)),
                Optional.of(now));
    }

    private record Resolver(Optional<Object> client, Optional<Object> user, Optional<Object> request,
            Optional<Object> now) implements CelVariableResolver {

        @Override
        public Optional<Object> find(String name) {
            return switch (name) {
                case CLIENT -> client;
                case USER -> user;
                case REQUEST -> request;
                case NOW -> now;
                default -> Optional.empty();
            };
        }
    }

    /** Fields of a view are all present; subclasses only map names to values. */
    private abstract static class View<V> extends StructValue<String, V> {

        abstract Object field(String name);

        @Override
        public Object select(String name) {
            Object value = field(name);
            if (value == null) {
                throw CelAttributeNotFoundException.forFieldResolution(name);
            }
            return value;
        }

        @Override
        public Optional<Object> find(String name) {
            return Optional.ofNullable(field(name));
        }

        @Override
        public boolean isZeroValue() {
            return false;
        }
    }

    private static final class ClientValue extends View<ClientProfile> {
        private final ClientProfile client;

        ClientValue(ClientProfile client) {
            this.client = client;
        }

        @Override
        Object field(String name) {
            return switch (name) {
                case "id" -> client.clientId();
                case "app_type" -> client.appType().wireName();
                case "metadata" -> client.metadata();
                case "created_at" -> client.createdAt();
                default -> null;
            };
        }

        @Override
        public ClientProfile value() {
            return client;
        }

        @Override
        public CelType celType() {
            return CLIENT_TYPE;
        }
    }

    private static final class UserValue extends View<Optional<UserProfile>> {
        static final UserValue ABSENT = new UserValue(null);

        private final UserProfile user;

        UserValue(UserProfile user) {
            this.user = user;
        }

        @Override
        Object field(String name) {
            if (user == null) {
                return null;
            }
            return switch (name) {
                case "id" -> user.userId();
                case "metadata" -> user.metadata();
                case "roles" -> user.roles();
                case "created_at" -> user.createdAt();
                default -> null;
            };
        }

        @Override
        public Object select(String name) {
            if (user == null) {
                // Empty collections keep membership tests simply false for machine tokens.
                return switch (name) {
                    case "roles" -> List.of();
                    case "metadata" -> Map.of();
                    default -> throw CelAttributeNotFoundException.of(
                            "user." + name + " is not set: the token has no user (machine-to-machine)");
                };
            }
            return super.select(name);
        }

        @Override
        public Optional<UserProfile> value() {
            return Optional.ofNullable(user);
        }

        @Override
        public boolean isZeroValue() {
            return user == null;
        }

        @Override
        public CelType celType() {
            return USER_TYPE;
        }
    }

    private static final class RequestValue extends View<TokenRequest> {
        private final TokenRequest request;
        private final Boolean browserFlow;

        RequestValue(TokenRequest request, boolean browserFlow) {
            this.request = request;
            this.browserFlow = browserFlow;
        }

        @Override
        Object field(String name) {
            return switch (name) {
                case "grant_type" -> request.grantType();
                case "audience" -> request.audience();
                case "scopes" -> request.scopes();
                case "browser_flow" -> browserFlow;
                case "userinfo_only" -> request.userinfoOnly();
                default -> null;
            };
        }

        @Override
        public TokenRequest value() {
            return request;
        }

        @Override
        public CelType celType() {
            return REQUEST_TYPE;
        }
    }
}
