package dev.tally.token.family;

/**
 * What a refresh-token family never changes after its start: whose it is, in which login, for which scope and API.
 *
 * @param sessionId the login session the family was started in, or {@code null}
 * @param scope     the family's granted scope, space-separated
 * @param audience  the family's API, or {@code null}
 */
public record FamilyFacts(String tenantId, String clientId, String userId, String sessionId, String scope,
                          String audience) {
}
