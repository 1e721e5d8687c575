package dev.tally.platform.axon;

import static org.axonframework.common.ReflectionUtils.ensureAccessible;
import static org.axonframework.common.ReflectionUtils.fieldsOf;
import static org.axonframework.common.ReflectionUtils.getFieldValue;
import static org.axonframework.common.ReflectionUtils.methodsOf;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.annotation.AnnotationUtils;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateVersion;
import org.axonframework.modelling.command.VersionedAggregateIdentifier;

/**
 * Which aggregate a command is for: the member annotated {@link TargetAggregateIdentifier} (and
 * {@link TargetAggregateVersion}), found as Axon's {@link AnnotationCommandTargetResolver} finds it (methods first,
 * then fields, the class's own and its superclasses', meta-annotations counted), but once per command class. Axon's
 * looks again for every command: each method and field of the command is asked for both annotations, and each
 * question builds maps of annotation attributes. Under refresh load that was about a quarter of every byte the
 * command service allocated (BENCHMARKS.md, "Refresh rotation"), which the collector then had to clear.
 */
public final class CommandTargets implements CommandTargetResolver {
    private final ClassValue<Target> targets = new ClassValue<>() {
        @Override
        protected Target computeValue(Class<?> type) {
            return new Target(annotated(type, TargetAggregateIdentifier.class),
                    annotated(type, TargetAggregateVersion.class));
        }
    };

    @Override
    public VersionedAggregateIdentifier resolveTarget(CommandMessage<?> command) {
        Target target = targets.get(command.getPayloadType());
        Object payload = command.getPayload();
        Object identifier;
        Long version;
        try {
            identifier = target.identifier() == null ? null : target.identifier().read(payload);
            version = target.version() == null ? null : asLong(target.version().read(payload));
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("An exception occurred while extracting aggregate information from a "
                    + "command", e);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("The current security context does not allow extraction of aggregate "
                    + "information from the given command.", e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("The value provided for the version is not a number.", e);
        }
        if (identifier == null) {
            throw new IllegalArgumentException("Invalid command. It does not identify the target aggregate. Make sure "
                    + "at least one of the fields or methods in the [" + command.getPayloadType().getSimpleName()
                    + "] class contains the @TargetAggregateIdentifier annotation and that it returns a non-null value.");
        }
        return new VersionedAggregateIdentifier(identifier, version);
    }

    private static Member annotated(Class<?> type, Class<? extends Annotation> annotation) {
        for (Method method : methodsOf(type)) {
            if (AnnotationUtils.isAnnotationPresent(method, annotation)) {
                Method accessible = ensureAccessible(method);
                return accessible::invoke;
            }
        }
        for (Field field : fieldsOf(type)) {
            if (AnnotationUtils.isAnnotationPresent(field, annotation)) {
                return payload -> getFieldValue(field, payload);
            }
        }
        return null;
    }

    private static Long asLong(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString());
    }

    /** The annotated members of one command class; either may be absent ({@code null}). */
    private record Target(Member identifier, Member version) {
    }

    @FunctionalInterface
    private interface Member {
        Object read(Object payload) throws InvocationTargetException, IllegalAccessException;
    }
}
