package dev.tally.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TenantTagsTest {

    @Test
    void offByDefaultThenListedTenantsByNameAndTheRestAsOther() {
        TenantTags off = TenantTags.of(new MetricsProperties(List.of(), false));
        assertThat(off.enabled()).isFalse();
        assertThat(off.of("acme")).isNull();

        TenantTags listed = TenantTags.of(new MetricsProperties(List.of("acme", "globex"), false));
        assertThat(listed.enabled()).isTrue();
        assertThat(listed.of("acme")).isEqualTo("acme");
        assertThat(listed.of("initech")).isEqualTo(TenantTags.OTHER);

        TenantTags every = TenantTags.of(new MetricsProperties(List.of("*"), false));
        assertThat(every.of("initech")).isEqualTo("initech");
    }

    @Test
    void meterTableBuildsEachCombinationOnceAndFindsItAgain() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger built = new AtomicInteger();
        MeterTable<Counter> table = new MeterTable<>((a, b, c) -> {
            built.incrementAndGet();
            return Counter.builder("t").tag("a", a).tag("b", b).register(registry);
        });
        for (int i = 0; i < 3; i++) {
            table.get("x", "y").increment();
        }
        table.get("x", "z").increment();
        assertThat(built).hasValue(2);
        assertThat(table.get("x", "y")).isSameAs(table.get("x", "y", null));
        assertThat(registry.get("t").tag("b", "y").counter().count()).isEqualTo(3);
        assertThat(registry.get("t").tag("b", "z").counter().count()).isEqualTo(1);
    }
}
