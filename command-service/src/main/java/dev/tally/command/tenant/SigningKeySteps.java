package dev.tally.command.tenant;

import dev.tally.command.catalog.CatalogProcessing;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyActivated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRotationChanged;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The key steps each tenant has coming ({@code signing_key_step}), kept with the catalog in the transaction that
 * appends the key events, so the sweeper asks only tenants with something due. Only a hint: the tenant aggregate
 * decides what is due, and a step taken late only lengthens a pre-publication or a retirement.
 */
@Component
@ProcessingGroup(CatalogProcessing.GROUP)
public class SigningKeySteps {
    static final String ENSURE = "ensure";
    static final String ROTATE = "rotate";

    private final JdbcTemplate jdbc;

    public SigningKeySteps(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Tenants with a step due at {@code now}, at most {@code limit}. */
    public List<String> dueTenants(Instant now, int limit) {
        return jdbc.queryForList("SELECT DISTINCT tenant_id FROM signing_key_step WHERE due_at <= ? ORDER BY tenant_id "
                + "FETCH FIRST " + limit + " ROWS ONLY", String.class, now.atOffset(ZoneOffset.UTC));
    }

    /** A tenant made before it held a key per algorithm is ensured one by its first key of the new kind. */
    @EventHandler
    void on(SigningKeyCreated e) {
        delete(e.tenantId(), ENSURE);
        if (e.activatesAt() != null) {
            put(e.tenantId(), "activate:" + e.kid(), e.activatesAt());
            // the rotation is under way; the next one is counted from its activation
            delete(e.tenantId(), ROTATE);
        } else {
            scheduleRotation(e.tenantId(), e.createdAt());
        }
    }

    @EventHandler
    void on(SigningKeyActivated e) {
        delete(e.tenantId(), "activate:" + e.kid());
        if (e.previousKid() != null && e.previousRetiresAt() != null) {
            put(e.tenantId(), "retire:" + e.previousKid(), e.previousRetiresAt());
        }
        scheduleRotation(e.tenantId(), e.activatedAt());
    }

    @EventHandler
    void on(SigningKeyRetired e) {
        delete(e.tenantId(), "retire:" + e.kid());
    }

    @EventHandler
    void on(SigningKeyRevoked e) {
        delete(e.tenantId(), "activate:" + e.kid());
        delete(e.tenantId(), "retire:" + e.kid());
    }

    @EventHandler
    void on(SigningKeyRotationChanged e) {
        jdbc.update("UPDATE tenant_catalog SET signing_key_rotation_interval = ? WHERE tenant_id = ?", e.interval(),
                e.tenantId());
        delete(e.tenantId(), ROTATE);
        if (e.interval() != null && e.keysActiveSince() != null) {
            put(e.tenantId(), ROTATE, e.keysActiveSince().plusSeconds(e.interval()));
        }
    }

    @EventHandler
    void on(TenantDeleted e) {
        jdbc.update("DELETE FROM signing_key_step WHERE tenant_id = ?", e.tenantId());
    }

    private void scheduleRotation(String tenantId, Instant activeSince) {
        Long interval = jdbc.query("SELECT signing_key_rotation_interval FROM tenant_catalog WHERE tenant_id = ?",
                rs -> rs.next() ? rs.getObject(1, Long.class) : null, tenantId);
        if (interval != null) {
            put(tenantId, ROTATE, activeSince.plusSeconds(interval));
        }
    }

    private void put(String tenantId, String step, Instant dueAt) {
        delete(tenantId, step);
        jdbc.update("INSERT INTO signing_key_step (tenant_id, step, due_at) VALUES (?, ?, ?)", tenantId, step,
                dueAt.atOffset(ZoneOffset.UTC));
    }

    private void delete(String tenantId, String step) {
        jdbc.update("DELETE FROM signing_key_step WHERE tenant_id = ? AND step = ?", tenantId, step);
    }
}
