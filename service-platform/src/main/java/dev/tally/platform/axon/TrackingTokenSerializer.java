package dev.tally.platform.axon;

import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.jackson3.Jackson3Serializer;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * A serializer for tracking tokens that can read back a replay token. Axon's {@code ReplayToken} carries an optional
 * reset context typed {@code Object} with its class name; the Jackson 3 serializer every service uses refuses any
 * type under {@code Object}, so a processor reset with it could never load its own token again. Only Axon's own
 * token classes are admitted. Not a {@code Serializer} bean, so nothing else picks it up by type.
 */
public final class TrackingTokenSerializer {
    private TrackingTokenSerializer() {
    }

    public static Serializer create() {
        return Jackson3Serializer.builder()
                .jsonMapperBuilderCustomizer(mapper -> mapper.polymorphicTypeValidator(
                        BasicPolymorphicTypeValidator.builder().allowIfSubType("org.axonframework.").build()))
                .build();
    }
}
