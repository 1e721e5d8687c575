package dev.tally.kernel.client;

import dev.tally.kernel.crypto.RandomTokens;

/** Client ids and secrets. Ids are globally unique (the event store keys aggregates by id alone). */
public final class ClientIds {
    private ClientIds() {
    }

    public static String newClientId() {
        return RandomTokens.alphanumeric(32);
    }

    /** 256 random bits: a fast hash of it is safe to store. */
    public static String newClientSecret() {
        return RandomTokens.urlSafe(32);
    }

    /** The grant types a client gets when it asks for none, by kind of application. */
    public static java.util.List<String> defaultGrantTypes(AppType appType) {
        return appType == AppType.NON_INTERACTIVE
                ? java.util.List.of(GrantTypes.CLIENT_CREDENTIALS)
                : java.util.List.of(GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN);
    }
}
