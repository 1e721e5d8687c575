package dev.tally.platform.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.input.InputRefusals.Audience;
import org.junit.jupiter.api.Test;

/** A refused request is answered in the form of the endpoint it was addressed to. */
class InputRefusalsTest {

    @Test
    void aTenantsMetadataAtTheRfc8414PathInsertedLocationsIsAnOAuthEndpoint() {
        assertThat(InputRefusals.audience("/.well-known/openid-configuration/t/acme")).isEqualTo(Audience.OAUTH);
        assertThat(InputRefusals.audience("/.well-known/oauth-authorization-server/t/acme")).isEqualTo(Audience.OAUTH);
        assertThat(InputRefusals.audience("/t/acme/.well-known/openid-configuration")).isEqualTo(Audience.OAUTH);
    }

    @Test
    void otherPathsKeepTheirForms() {
        assertThat(InputRefusals.audience("/.well-known/openid-configuration")).isEqualTo(Audience.MANAGEMENT);
        assertThat(InputRefusals.audience("/.well-known/openid-configuration/x/acme")).isEqualTo(Audience.MANAGEMENT);
        assertThat(InputRefusals.audience("/t/acme/authorize")).isEqualTo(Audience.BROWSER);
        assertThat(InputRefusals.audience("/t/acme/revocations")).isEqualTo(Audience.MANAGEMENT);
        assertThat(InputRefusals.audience("/admin/tenants")).isEqualTo(Audience.MANAGEMENT);
    }
}
