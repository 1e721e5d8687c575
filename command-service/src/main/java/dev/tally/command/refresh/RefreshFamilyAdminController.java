package dev.tally.command.refresh;

import dev.tally.command.catalog.Catalog;
import dev.tally.kernel.problem.NotFound;
import dev.tally.kernel.refresh.FamilyEndReason;
import dev.tally.kernel.refresh.RefreshCommands.RevokeRefreshTokenFamily;
import dev.tally.kernel.revocation.RevocationCause;
import dev.tally.platform.axon.ConcurrentAppend;
import dev.tally.platform.problem.ManagementApi;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /admin/tenants/{tenant}/refresh-token-families/{familyId}}: the administrator revokes a refresh-token
 * family (reason {@code administrator}, cause {@code administrator}); every token of it, and every access token
 * issued from it, stops working. A family of another tenant, or none, is 404; a family that has already ended
 * records nothing and is still 204.
 */
@RestController
@ManagementApi
@RequestMapping("/admin/tenants/{tenant}/refresh-token-families")
public class RefreshFamilyAdminController {
    private final CommandGateway commands;
    private final Catalog catalog;
    private final RefreshFamilyCatalog families;

    public RefreshFamilyAdminController(CommandGateway commands, Catalog catalog, RefreshFamilyCatalog families) {
        this.commands = commands;
        this.catalog = catalog;
        this.families = families;
    }

    @DeleteMapping("/{familyId}")
    public ResponseEntity<Void> revoke(@PathVariable String tenant, @PathVariable String familyId) {
        catalog.requireActiveTenant(tenant);
        families.family(tenant, familyId).orElseThrow(() ->
                new NotFound("no refresh token family '" + familyId + "' in tenant '" + tenant + "'"));
        RevokeRefreshTokenFamily command = new RevokeRefreshTokenFamily(familyId, tenant, FamilyEndReason.ADMINISTRATOR,
                new RevocationCause(RevocationCause.ADMINISTRATOR, null));
        // Idempotent: a family rotated on another node at this moment is simply asked again.
        ConcurrentAppend.retried(() -> commands.sendAndWait(command));
        return ResponseEntity.noContent().build();
    }
}
