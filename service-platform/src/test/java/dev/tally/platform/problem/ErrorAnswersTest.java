package dev.tally.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.problem.ErrorAnswers.Audience;
import org.junit.jupiter.api.Test;

/** A refused request is answered in the form of the endpoint it was addressed to. */
class ErrorAnswersTest {

    @Test
    void aTenantsMetadataAtTheRfc8414PathInsertedLocationsIsAnOAuthEndpoint() {
        assertThat(ErrorAnswers.audience("/.well-known/openid-configuration/t/acme")).isEqualTo(Audience.OAUTH);
        assertThat(ErrorAnswers.audience("/.well-known/oauth-authorization-server/t/acme")).isEqualTo(Audience.OAUTH);
        assertThat(ErrorAnswers.audience("/t/acme/.well-known/openid-configuration")).isEqualTo(Audience.OAUTH);
    }

    @Test
    void otherPathsKeepTheirForms() {
        assertThat(ErrorAnswers.audience("/.well-known/openid-configuration")).isEqualTo(Audience.MANAGEMENT);
        assertThat(ErrorAnswers.audience("/.well-known/openid-configuration/x/acme")).isEqualTo(Audience.MANAGEMENT);
        assertThat(ErrorAnswers.audience("/t/acme/authorize")).isEqualTo(Audience.BROWSER);
        assertThat(ErrorAnswers.audience("/t/acme/revocations")).isEqualTo(Audience.MANAGEMENT);
        assertThat(ErrorAnswers.audience("/admin/tenants")).isEqualTo(Audience.MANAGEMENT);
    }
}
