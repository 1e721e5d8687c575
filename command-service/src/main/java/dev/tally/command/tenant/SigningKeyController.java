package dev.tally.command.tenant;

import dev.tally.command.catalog.Catalog;
import dev.tally.command.tenant.SigningKeyRing.Key;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantCommands.RevokeSigningKey;
import dev.tally.kernel.tenant.TenantCommands.RotateSigningKeys;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.platform.problem.ManagementApi;
import java.time.Instant;
import java.util.List;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/tenants/{tenant}/signing-keys}: the tenant's signing keys and where each stands, rotation on demand
 * and emergency revocation. The schedule is the tenant setting {@code signing_key_rotation_interval}. The list is
 * folded from the tenant's own events, the same the aggregate decides with, so it is never behind a decision.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/signing-keys")
public class SigningKeyController {
    private final CommandGateway commands;
    private final Catalog catalog;
    private final EventStore events;

    public SigningKeyController(CommandGateway commands, Catalog catalog, EventStore events) {
        this.commands = commands;
        this.catalog = catalog;
        this.events = events;
    }

    /** One key as listed: its public half is in the tenant's JWKS while it is pending, active or retiring. */
    public record SigningKeyRow(String kid, String alg, String status, Instant createdAt, Instant activatesAt,
                                Instant activatedAt, Instant retiresAt, Instant retiredAt, Instant revokedAt,
                                String revocationReason, String cause) {
        static SigningKeyRow of(Key k) {
            return new SigningKeyRow(k.kid(), k.alg().name(), k.status().wireName(), k.createdAt(), k.activatesAt(),
                    k.activatedAt(), k.retiresAt(), k.retiredAt(), k.revokedAt(), k.revocationReason(), k.cause());
        }
    }

    /** @param alg one algorithm to rotate; absent: every algorithm of the tenant */
    public record RotateRequest(String alg) {
    }

    public record RevokeRequest(String reason) {
    }

    @GetMapping
    public List<SigningKeyRow> list(@PathVariable String tenant) {
        catalog.requireActiveTenant(tenant);
        return ring(tenant).all().stream().map(SigningKeyRow::of).toList();
    }

    /** 202: the new keys are published now and sign once their pre-publication is over. */
    @PostMapping("/rotate")
    public ResponseEntity<List<SigningKeyRow>> rotate(@PathVariable String tenant,
                                                      @RequestBody(required = false) RotateRequest request) {
        catalog.requireActiveTenant(tenant);
        SigningAlgorithm alg = request == null || request.alg() == null ? null : SigningAlgorithm.parse(request.alg());
        List<String> created = commands.sendAndWait(new RotateSigningKeys(tenant, alg));
        SigningKeyRing ring = ring(tenant);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(created.stream().map(kid -> SigningKeyRow.of(ring.key(kid).orElseThrow())).toList());
    }

    /** The key leaves the JWKS now, and every token it signed is refused; a signing key is replaced at once. */
    @PostMapping("/{kid}/revoke")
    public SigningKeyRow revoke(@PathVariable String tenant, @PathVariable String kid,
                                @RequestBody(required = false) RevokeRequest request) {
        catalog.requireActiveTenant(tenant);
        commands.sendAndWait(new RevokeSigningKey(tenant, kid, request == null ? null : request.reason()));
        return SigningKeyRow.of(ring(tenant).key(kid).orElseThrow());
    }

    private SigningKeyRing ring(String tenant) {
        SigningKeyRing ring = new SigningKeyRing();
        events.readEvents(TenantIds.aggregateId(tenant)).asStream().forEach(m -> ring.apply(m.getPayload()));
        return ring;
    }
}
