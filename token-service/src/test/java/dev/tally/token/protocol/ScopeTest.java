package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void parseWhenNullOrBlankThenNone() {
        assertThat(Scope.parse(null)).isEqualTo(Scope.NONE);
        assertThat(Scope.parse("")).isEqualTo(Scope.NONE);
        assertThat(Scope.parse("   ")).isEqualTo(Scope.NONE);
        assertThat(Scope.NONE.isEmpty()).isTrue();
    }

    @Test
    void parseWhenSpacesAroundAndBetweenThenEachTokenOnceTrimmed() {
        Scope scope = Scope.parse("  openid   read:orders  profile ");

        assertThat(scope.values()).containsExactly("openid", "read:orders", "profile");
    }

    @Test
    void parseWhenATokenRepeatsThenItIsKeptOnceWhereItWasFirstNamed() {
        assertThat(Scope.parse("write read write openid read").values()).containsExactly("write", "read", "openid");
    }

    @Test
    void ofWhenDuplicatesThenKeptOnceInOrder() {
        assertThat(Scope.of(List.of("b", "a", "b")).values()).containsExactly("b", "a");
    }

    @Test
    void valuesWhenChangedThenRefused() {
        Scope scope = Scope.parse("a b");

        assertThatThrownBy(() -> scope.values().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void textWhenEmptyThenNullElseSpaceDelimited() {
        assertThat(Scope.NONE.text()).isNull();
        assertThat(Scope.NONE.toString()).isEmpty();
        assertThat(Scope.parse(" a  b ").text()).isEqualTo("a b");
        assertThat(Scope.parse(" a  b ").toString()).isEqualTo("a b");
    }

    @Test
    void containsAllWhenSubsetThenTrueAndWhenWiderThenFalse() {
        Scope granted = Scope.parse("openid read write");

        assertThat(granted.containsAll(Scope.parse("write openid"))).isTrue();
        assertThat(granted.containsAll(Scope.NONE)).isTrue();
        assertThat(granted.containsAll(Scope.parse("read admin"))).isFalse();
        assertThat(granted.contains("read")).isTrue();
        assertThat(granted.contains("rea")).isFalse();
    }

    @Test
    void withoutWhenPresentThenOnlyThatValueGoesAndTheOrderStays() {
        Scope scope = Scope.parse("openid offline_access read");

        assertThat(scope.without(Scope.OFFLINE_ACCESS).values()).containsExactly("openid", "read");
        assertThat(scope.without("absent")).isEqualTo(scope);
        assertThat(scope.values()).as("a scope is a value: without() leaves it as it was")
                .containsExactly("openid", "offline_access", "read");
    }

    @Test
    void equalsWhenSameTokensInSameOrderThenEqual() {
        assertThat(Scope.parse("a b")).isEqualTo(Scope.parse(" a a  b"));
        assertThat(Scope.parse("a b")).isNotEqualTo(Scope.parse("b a"));
    }
}
