package dev.tally.standalone;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Retention on the embedded default (H2). */
@SpringBootTest(classes = TallyStandalone.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RetentionContract.Clocks.class)
class RetentionOnH2Test extends RetentionContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        register(registry, "tally-retention-h2");
    }
}
