package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;
import org.junit.jupiter.api.Test;

/** {@link CommandTargets} answers as Axon's own resolver does, for every shape of command Axon accepts. */
class CommandTargetsTest {
    private final CommandTargetResolver axons = AnnotationCommandTargetResolver.builder().build();
    private final CommandTargets targets = new CommandTargets();

    record RecordCommand(@TargetAggregateIdentifier String familyId, String other) {
    }

    record VersionedRecord(@TargetAggregateIdentifier String id, @TargetAggregateVersion Long version) {
    }

    record VersionAsText(@TargetAggregateIdentifier String id, @TargetAggregateVersion String version) {
    }

    static class FieldCommand {
        @TargetAggregateIdentifier
        private final String id;

        FieldCommand(String id) {
            this.id = id;
        }
    }

    static class InheritedField extends FieldCommand {
        InheritedField(String id) {
            super(id);
        }
    }

    static class MethodBeforeField {
        @TargetAggregateIdentifier
        private final String field = "from-the-field";

        @TargetAggregateIdentifier
        public String target() {
            return "from-the-method";
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT})
    @TargetAggregateIdentifier
    @interface Routed {
    }

    record MetaAnnotated(@Routed String id) {
    }

    record NoTarget(String id) {
    }

    static class ThrowingTarget {
        @TargetAggregateIdentifier
        public String id() {
            throw new IllegalStateException("boom");
        }
    }

    @Test
    void resolvesEveryShapeAsAxonDoes() {
        List<Object> commands = List.of(new RecordCommand("rtf_1", "x"), new VersionedRecord("a", 7L),
                new VersionedRecord("b", null), new VersionAsText("c", "12"), new FieldCommand("f"),
                new InheritedField("g"), new MethodBeforeField(), new MetaAnnotated("m"));
        for (Object payload : commands) {
            CommandMessage<?> command = GenericCommandMessage.asCommandMessage(payload);
            VersionedAggregateIdentifier expected = axons.resolveTarget(command);

            VersionedAggregateIdentifier actual = targets.resolveTarget(command);

            assertThat(actual.getIdentifierValue()).as(payload.getClass().getSimpleName())
                    .isEqualTo(expected.getIdentifierValue());
            assertThat(actual.getVersion()).as(payload.getClass().getSimpleName()).isEqualTo(expected.getVersion());
        }
    }

    @Test
    void readsEachCommandsOwnValuesAfterTheClassIsKnown() {
        for (int i = 0; i < 100; i++) {
            VersionedAggregateIdentifier target = targets.resolveTarget(
                    GenericCommandMessage.asCommandMessage(new VersionedRecord("family-" + i, (long) i)));

            assertThat(target.getIdentifierValue()).isEqualTo("family-" + i);
            assertThat(target.getVersion()).isEqualTo(i);
        }
        assertThat(targets.resolveTarget(GenericCommandMessage.asCommandMessage(new MethodBeforeField()))
                .getIdentifierValue()).isEqualTo("from-the-method");
    }

    @Test
    void refusesWhatAxonRefuses() {
        for (Object payload : List.of(new NoTarget("x"), new RecordCommand(null, "x"), new VersionAsText("c", "seven"),
                new ThrowingTarget())) {
            CommandMessage<?> command = GenericCommandMessage.asCommandMessage(payload);
            assertThatThrownBy(() -> axons.resolveTarget(command)).as("Axon's, " + payload)
                    .isInstanceOf(IllegalArgumentException.class);

            assertThatThrownBy(() -> targets.resolveTarget(command)).as(payload.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
