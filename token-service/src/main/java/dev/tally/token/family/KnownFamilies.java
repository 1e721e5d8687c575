package dev.tally.token.family;

import dev.tally.platform.axon.LeastRecentlyUsedCache;
import java.util.Optional;

/**
 * What this node knows of the refresh-token families it has started or seen answer: the facts a family never changes
 * (its tenant, client, user, login session, scope and API). With them a refresh's tokens can be signed before the
 * family decides, so their records ride with the family's command and are committed with its decision.
 *
 * <p>Only a shortcut: the family still decides every use, and refuses records that do not describe it. A family not
 * known here (started on another node, dropped as least recently used, ended) is refreshed the way it was before:
 * asked first, its tokens recorded after. At most {@value #CAPACITY} families, a few hundred bytes each.
 */
final class KnownFamilies {
    static final int CAPACITY = 4_096;

    private final LeastRecentlyUsedCache facts = new LeastRecentlyUsedCache(CAPACITY);

    void remember(String familyId, FamilyFacts known) {
        facts.put(familyId, known);
    }

    void forget(String familyId) {
        facts.remove(familyId);
    }

    /** The family's facts, if known and if it is this tenant's and this client's (else the family must answer). */
    Optional<FamilyFacts> of(String familyId, String tenantId, String clientId) {
        FamilyFacts known = facts.get(familyId);
        if (known == null || !known.tenantId().equals(tenantId) || !known.clientId().equals(clientId)) {
            return Optional.empty();
        }
        return Optional.of(known);
    }
}
