package dev.tally.token.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.refresh.RefreshTokens;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefreshSuccessorsTest {
    static final MasterKey KEY = MasterKey.fromBase64(Base64.getEncoder().encodeToString(new byte[32]));
    static final MasterKey OTHER_KEY = MasterKey.fromBase64(Base64.getEncoder().encodeToString(
            "another deployment's master key".concat("!").getBytes()));

    /** Every node, and every request, computes the same successor from the same token; a chain never repeats. */
    @Test
    void theSuccessorIsAFunctionOfTheTokenAloneAndARefreshTokenOfTheSameFamily() {
        RefreshSuccessors here = new RefreshSuccessors(KEY);
        RefreshSuccessors elsewhere = new RefreshSuccessors(KEY);
        String family = RefreshTokens.newFamilyId();
        String token = RefreshTokens.newToken(family);
        Set<String> chain = new HashSet<>(Set.of(token));
        for (int generation = 2; generation <= 1_000; generation++) {
            String next = here.successorOf(token);
            assertThat(elsewhere.successorOf(token)).isEqualTo(next);
            assertThat(RefreshTokens.familyOf(next)).isEqualTo(family);
            assertThat(chain.add(next)).as("generation %d repeats an earlier token", generation).isTrue();
            token = next;
        }
    }

    /** Knowing a token is not enough to know its successor: that takes the deployment's key. */
    @Test
    void anotherMasterKeyGivesAnotherSuccessorAndOtherTokensOtherSuccessors() {
        String token = RefreshTokens.newToken(RefreshTokens.newFamilyId());
        String successor = new RefreshSuccessors(KEY).successorOf(token);
        assertThat(new RefreshSuccessors(OTHER_KEY).successorOf(token)).isNotEqualTo(successor);
        assertThat(new RefreshSuccessors(KEY).successorOf(token + "x")).isNotEqualTo(successor);
        assertThat(successor.substring(successor.indexOf('.') + 1)).doesNotContain(token.substring(token.indexOf('.') + 1));
    }

    @Test
    void somethingThatIsNotARefreshTokenHasNoSuccessor() {
        assertThatThrownBy(() -> new RefreshSuccessors(KEY).successorOf("not-a-token"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
