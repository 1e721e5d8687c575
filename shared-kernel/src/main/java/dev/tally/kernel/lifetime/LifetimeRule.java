package dev.tally.kernel.lifetime;

import dev.tally.kernel.problem.InvalidInput;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A tenant's lifetime rule as saved: when {@code condition} (CEL, returning bool) matches, the
 * effects set the lifetime of their token types.
 *
 * <p>Rules are evaluated in ascending {@code priority} (lower first), ties broken by {@code name},
 * then {@code id}. For each token type the first matching rule <em>that has an effect for that
 * type</em> wins; a rule without such an effect is skipped for that type and does not shadow later
 * rules.
 *
 * @param id        stable id (the event-sourced aggregate id)
 * @param name      unique, human-facing name; traces say {@code rule:NAME}
 * @param priority  lower is evaluated first
 * @param condition CEL expression over {@code client}, {@code user}, {@code request}, {@code now}
 * @param effects   one or more effects, at most one per token type
 */
public record LifetimeRule(String id, String name, int priority, String condition, List<LifetimeEffect> effects) {

    public LifetimeRule {
        Seconds.requireText("id", id);
        Seconds.requireText("name", name);
        Seconds.requireText("condition", condition);
        effects = List.copyOf(Objects.requireNonNull(effects, "effects must not be null"));
        if (effects.isEmpty()) {
            throw new InvalidInput("effects", "effects must name at least one of access_token_lifetime, id_token_lifetime, refresh_token_lifetime, expires_at");
        }
        Set<TokenType> seen = EnumSet.noneOf(TokenType.class);
        for (LifetimeEffect effect : effects) {
            if (!seen.add(effect.tokenType())) {
                throw new InvalidInput("effects",
                        "effects must name each token type at most once, " + effect.tokenType().wireName() + " twice");
            }
        }
    }
}
