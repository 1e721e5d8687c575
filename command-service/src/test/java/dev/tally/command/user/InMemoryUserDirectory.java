package dev.tally.command.user;

import java.util.HashMap;
import java.util.Map;

/** The user directory as an aggregate test sees it: the usernames (canonical, per tenant) the test says exist. */
class InMemoryUserDirectory implements UserDirectory {
    private final Map<String, String> owners = new HashMap<>();

    InMemoryUserDirectory withUser(String tenantId, String userId, String canonicalUsername) {
        owners.put(tenantId + "\n" + canonicalUsername, userId);
        return this;
    }

    @Override
    public boolean usernameTaken(String tenantId, String canonicalUsername, String exceptUserId) {
        String owner = owners.get(tenantId + "\n" + canonicalUsername);
        return owner != null && !owner.equals(exceptUserId);
    }
}
