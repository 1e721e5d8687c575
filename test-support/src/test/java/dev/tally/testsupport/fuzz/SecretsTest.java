package dev.tally.testsupport.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void theLogScanFindsEverySecretOnceByKindWithTheLineMasked() {
        Secrets secrets = new Secrets();
        secrets.add("the admin token", "adminTOKEN0123456789");
        secrets.add("a refresh token", "rtf_FAMILY0123.SECRETPART0123456789");
        String log = "start\nINFO nothing here\nERROR Parameter [x] with value [adminTOKEN0123456789] ignored\n"
                + "WARN again adminTOKEN0123456789\nlast line rtf_FAMILY0123 is only the family";
        List<Secrets.Leak> leaks = secrets.findIn(log);
        assertThat(leaks).singleElement().satisfies(leak -> {
            assertThat(leak.label()).isEqualTo("the admin token");
            assertThat(leak.occurrences()).isEqualTo(2);
            assertThat(leak.firstLine()).isEqualTo("ERROR Parameter [x] with value [«the admin token»] ignored");
        });
    }

    @Test
    void onlyPiecesHoldingEnoughOfADottedTokensSecretPartCount() {
        Secrets secrets = new Secrets();
        String token = "rtf_FAMILY0123.SECRETPART0123456789";
        secrets.addPieces("a refresh token", token, 6);
        assertThat(secrets.findIn("the family rtf_FA and more")).isEmpty();
        assertThat(secrets.findIn("[rtf_FA\ufffdMILY0123.SECRETPART0123456789]")).extracting(Secrets.Leak::label)
                .containsExactly("a refresh token (the piece after the undecodable bytes)");
        Secrets password = new Secrets();
        password.addPieces("a password", "abcdefghIJKLMNOP", 8);
        assertThat(password.findIn("value [abcdefgh\ufffdIJKLMNOP]")).hasSize(2);
    }
}
