package dev.tally.query.projection;

import dev.tally.platform.axon.AxonJdbcAutoConfiguration;
import dev.tally.platform.axon.TrackingTokenSerializer;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.serialization.Serializer;
import org.springframework.stereotype.Component;

/**
 * The token store of the query side's processors: the same {@code token_entry} table as every processor's, but
 * with a serializer that can read back a replay token. Axon's {@code ReplayToken} carries an optional reset context
 * typed {@code Object} with its class name; the Jackson 3 serializer every service uses refuses any type under
 * {@code Object}, so a processor reset with it could never load its own token again and would stop. Only Axon's
 * own token classes are admitted here. Not a {@code Serializer} bean, so nothing else picks it up by type.
 */
@Component
public class QueryTokenStore {
    private final Serializer serializer;
    private final TokenStore tokenStore;

    public QueryTokenStore(ConnectionProvider connectionProvider) {
        this.serializer = TrackingTokenSerializer.create();
        this.tokenStore = JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(AxonJdbcAutoConfiguration.tokenSchema())
                .serializer(serializer)
                .build();
    }

    public Serializer serializer() {
        return serializer;
    }

    public TokenStore tokenStore() {
        return tokenStore;
    }
}
