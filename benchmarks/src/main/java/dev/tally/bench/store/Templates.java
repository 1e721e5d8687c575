package dev.tally.bench.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the seeded store holds per tenant, as written by the real server over HTTP: a refresh family's start, one of
 * its rotations and an access token issued with it (the password grant's client and user), and an access token of
 * the client_credentials grant. Synthetic events are copies of these payloads with new ids and instants, so every
 * field the server wrote is there, in its own form.
 */
public final class Templates {
    static final String FAMILY_STARTED = "dev.tally.kernel.refresh.RefreshEvents$RefreshTokenFamilyStarted";
    static final String TOKEN_ROTATED = "dev.tally.kernel.refresh.RefreshEvents$TokenRotated";
    static final String ACCESS_TOKEN_ISSUED = "dev.tally.kernel.token.TokenEvents$AccessTokenIssued";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One payload as stored: its JSON, its type and revision. */
    public record Payload(String type, String revision, ObjectNode json) {
    }

    /** One tenant's templates; the family ones are null when the tenant has no family in the seed. */
    public record TenantTemplates(String tenantId, Payload familyStarted, Payload tokenRotated, Payload familyToken,
                                  Payload machineToken) {
        boolean hasFamilies() {
            return familyStarted != null && tokenRotated != null && familyToken != null;
        }
    }

    private final List<TenantTemplates> tenants;
    private final Instant firstSeeded;
    private final long seededEvents;

    private Templates(List<TenantTemplates> tenants, Instant firstSeeded, long seededEvents) {
        this.tenants = List.copyOf(tenants);
        this.firstSeeded = firstSeeded;
        this.seededEvents = seededEvents;
    }

    public List<TenantTemplates> tenants() {
        return tenants;
    }

    /** The instant of the store's first event: the synthetic history ends just before it. */
    public Instant firstSeeded() {
        return firstSeeded;
    }

    public long seededEvents() {
        return seededEvents;
    }

    /** Reads the first payload of each kind per tenant, in the order of the store. */
    public static Templates read(Connection connection) throws SQLException {
        Map<String, Payload[]> byTenant = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT payload_type, payload_revision, payload FROM domain_event_entry "
                     + "WHERE payload_type IN ('" + FAMILY_STARTED + "', '" + TOKEN_ROTATED + "', '"
                     + ACCESS_TOKEN_ISSUED + "') ORDER BY global_index")) {
            while (rs.next()) {
                String type = rs.getString(1);
                ObjectNode json = (ObjectNode) JSON.readTree(rs.getBytes(3));
                String tenant = json.path("tenantId").asString();
                Payload[] slots = byTenant.computeIfAbsent(tenant, t -> new Payload[4]);
                int slot = switch (type) {
                    case FAMILY_STARTED -> 0;
                    case TOKEN_ROTATED -> 1;
                    default -> json.path("familyId").isNull() || json.path("familyId").isMissingNode() ? 3 : 2;
                };
                if (slots[slot] == null) {
                    slots[slot] = new Payload(type, rs.getString(2), json);
                }
            }
        }
        List<TenantTemplates> tenants = new ArrayList<>();
        byTenant.forEach((tenant, p) -> {
            if (p[3] != null) {
                tenants.add(new TenantTemplates(tenant, p[0], p[1], p[2], p[3]));
            }
        });
        if (tenants.isEmpty()) {
            throw new IllegalStateException("the store holds no client_credentials AccessTokenIssued event to copy: "
                    + "seed it with the load tool first (build-store.sh does)");
        }
        if (tenants.stream().noneMatch(TenantTemplates::hasFamilies)) {
            throw new IllegalStateException("the store holds no refresh family to copy: seed it with the load tool's "
                    + "refresh scenario first (build-store.sh does)");
        }
        Instant first;
        long count;
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(time_stamp), count(*) FROM domain_event_entry")) {
            rs.next();
            first = Instant.parse(rs.getString(1));
            count = rs.getLong(2);
        }
        return new Templates(tenants, first, count);
    }
}
