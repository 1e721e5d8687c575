package dev.tally.testsupport.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.fuzz.Fixture.Client;
import dev.tally.testsupport.fuzz.Fixture.Code;
import dev.tally.testsupport.fuzz.Fixture.LoginForm;
import dev.tally.testsupport.fuzz.Fixture.Tokens;
import dev.tally.testsupport.fuzz.Fixture.User;
import dev.tally.testsupport.fuzz.Fixture.Witnesses;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generator alone, against a made-up fixture: no server. */
class HostileInputsTest {
    static final Fixture FIXTURE = new Fixture("ADMINTOKEN0123456789", "fuzz", "fuzz-spare", "api_TARGET",
            "https://api.fuzz.test", "api_SPARE", new Client("CLIENTCONF", "SECRETCONF0123456789"),
            new Client("CLIENTSPA", null), new Client("CLIENTNATIVE", null), new Client("CLIENTMGMT", "SECRETMGMT0123456789"),
            new Client("CLIENTSPARE", "SECRETSPARE0123456789"), new User("usr_TARGET", "fuzz-user", "PASSWORDTARGET0123456789"),
            new User("usr_SPARE", "spare-user", "PASSWORDSPARE0123456789"), "rule_TARGET", "rule_SPARE",
            "https://app.fuzz.test/callback", "https://app.fuzz.test/",
            new Tokens(List.of("ACCESS1.x.y", "ACCESS2.x.y", "ACCESS3.x.y"), List.of("rtf_A.REFRESH1", "rtf_B.REFRESH2"),
                    List.of("IDTOKEN1.x.y", "IDTOKEN2.x.y"), List.of(new Code("CODE1CODE1", "VERIFIER1VERIFIER1")),
                    "MGMTTOKEN.x.y", "SESSIONCOOKIE0123", List.of("ses_TARGET"), List.of("rtf_A", "rtf_B")),
            List.of(new LoginForm("REQUEST1", "CSRF1CSRF1", "BINDING1BINDING1")),
            new Witnesses("fuzz-witness", Map.of(), "api_WITNESS", "https://witness.fuzz.test",
                    new Client("CLIENTWITNESS", "SECRETWITNESS0123456789"), new User("usr_WITNESS", "witness-user",
                    "PASSWORDWITNESS0123456789"), "WITNESSACCESS.x.y", "WITNESSUSERACCESS.x.y", "rtf_W.WITNESSREFRESH",
                    "rtf_W", new Client("CLIENTOTHER", "SECRETOTHER0123456789"), "api_OTHER", "https://api.fuzz-witness.test",
                    "OTHERACCESS.x.y"));

    static HostileInputs generator(long seed) {
        return new HostileInputs(seed, FIXTURE, new Secrets(), "127.0.0.1:8080");
    }

    @Test
    void requestIOfSeedSIsAlwaysTheSameBytes() {
        HostileInputs one = generator(42);
        HostileInputs two = generator(42);
        for (long i : new long[] {0, 1, 17, 500, 1_999, 5_000, 123_456}) {
            HostileRequest a = one.request(i);
            HostileRequest b = two.request(i);
            assertThat(a.bytes()).as("request %d", i).isEqualTo(b.bytes());
            assertThat(a.mutation()).isEqualTo(b.mutation());
        }
        // asked in another order, from a generator that has already made others
        assertThat(two.request(3).bytes()).isEqualTo(generator(42).request(3).bytes());
        assertThat(generator(43).request(5_000).bytes()).isNotEqualTo(one.request(5_000).bytes());
    }

    @Test
    void theFirstRequestsSendEveryCategoryThatAppliesToEveryEndpoint() {
        HostileInputs inputs = generator(7);
        Set<String> pairs = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        Set<Category> categories = EnumSet.noneOf(Category.class);
        for (int i = 0; i < inputs.pairs(); i++) {
            HostileRequest r = inputs.request(i);
            pairs.add(r.endpoint() + " / " + r.category());
            endpoints.add(r.endpoint());
            categories.add(r.category());
        }
        assertThat(pairs).hasSize(inputs.pairs());
        assertThat(endpoints).containsExactlyInAnyOrderElementsOf(inputs.endpointNames());
        assertThat(categories).containsExactlyInAnyOrder(Category.values());
    }

    @Test
    void noRequestCarriesAWitnessCredentialAndOnlyReadsNameAWitness() {
        Witnesses w = FIXTURE.witnesses();
        List<String> credentials = List.of(w.client().secret(), w.user().password(), w.accessToken(),
                w.userAccessToken(), w.userRefreshToken(), w.otherTenantClient().secret(), w.otherTenantAccessToken());
        List<String> ids = List.of("/fuzz-witness", w.client().id(), w.user().id(), w.api(), w.familyId());
        HostileInputs inputs = generator(11);
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            HostileRequest r = inputs.request(i);
            String text = new String(r.bytes(), StandardCharsets.ISO_8859_1);
            credentials.stream().filter(text::contains).forEach(c -> violations.add(i(r) + " carries " + c));
            boolean read = r.method().equals("GET") || r.method().equals("HEAD");
            // a wrong method is one the path does not map, so it changes nothing whatever it names
            if (!read && r.category() != Category.WRONG_METHOD) {
                String requestLine = text.substring(0, text.indexOf("\r\n"));
                ids.stream().filter(requestLine::contains).forEach(id -> violations.add(i(r) + " names " + id
                        + " in " + requestLine));
            }
        }
        assertThat(violations).isEmpty();
    }

    private static String i(HostileRequest r) {
        return "request " + r.index() + " (" + r.cause() + ")";
    }
}
