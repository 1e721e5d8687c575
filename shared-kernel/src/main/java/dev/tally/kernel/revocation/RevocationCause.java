package dev.tally.kernel.revocation;

/**
 * What caused a revocation, recorded in the revocation event itself so the audit can answer "why did this token stop
 * working" without correlating events by time.
 *
 * @param kind      one of the constants below
 * @param reference what identifies the cause within its kind: the {@code change_id} of a {@code UserPermissionsChanged},
 *                  the client id that asked (RFC 7009), the family whose reuse was detected; may be {@code null}
 */
public record RevocationCause(String kind, String reference) {
    /** A change of the user's roles or permissions; reference: the change id of {@code UserPermissionsChanged}. */
    public static final String PERMISSION_CHANGE = "user_permissions_changed";
    /** An RFC 7009 revocation request; reference: the client id that sent it. */
    public static final String CLIENT_REQUEST = "revocation_request";
    /** The management API; reference: {@code null} (the platform administrator) or the management client id. */
    public static final String ADMINISTRATOR = "administrator";
    /** A refresh token presented again; reference: the family id. */
    public static final String REFRESH_TOKEN_REUSE = "refresh_token_reuse";
    /** An authorization code presented again; reference: the code id. */
    public static final String AUTHORIZATION_CODE_REUSE = "authorization_code_reuse";
    /** The user was deleted; reference: the user id. */
    public static final String USER_DELETED = "user_deleted";
    /** The user logged out; reference: the session id. */
    public static final String LOGOUT = "logout";

    public RevocationCause {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("a revocation cause needs a kind");
        }
    }

    public static RevocationCause permissionChange(String changeId) {
        return new RevocationCause(PERMISSION_CHANGE, changeId);
    }

    public static RevocationCause clientRequest(String clientId) {
        return new RevocationCause(CLIENT_REQUEST, clientId);
    }
}
