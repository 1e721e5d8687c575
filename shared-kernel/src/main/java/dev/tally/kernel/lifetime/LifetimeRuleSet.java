package dev.tally.kernel.lifetime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A tenant's compiled rules in evaluation order: ascending priority, then name, then id. Immutable;
 * the token service's projection swaps in a new set with {@link #with} / {@link #without} when a rule
 * is saved or deleted. Sorting and the per-token-type index are done here, once, not per request.
 */
public final class LifetimeRuleSet {

    private static final Comparator<CompiledLifetimeRule> EVALUATION_ORDER =
            Comparator.comparingInt(CompiledLifetimeRule::priority)
                    .thenComparing(CompiledLifetimeRule::name)
                    .thenComparing(CompiledLifetimeRule::id);

    private static final LifetimeRuleSet EMPTY = new LifetimeRuleSet(List.of());

    private final List<CompiledLifetimeRule> rules;
    /** For each token type, positions in {@link #rules} of the rules that have an effect for it. */
    private final int[][] positionsByType;

    private LifetimeRuleSet(List<CompiledLifetimeRule> sorted) {
        this.rules = sorted;
        TokenType[] types = TokenType.values();
        this.positionsByType = new int[types.length][];
        for (TokenType type : types) {
            positionsByType[type.ordinal()] = IntStream.range(0, sorted.size())
                    .filter(i -> sorted.get(i).effectOrNull(type) != null)
                    .toArray();
        }
    }

    public static LifetimeRuleSet empty() {
        return EMPTY;
    }

    /** Rejects duplicate ids and duplicate names (traces name rules, so names must be unambiguous). */
    public static LifetimeRuleSet of(Collection<CompiledLifetimeRule> rules) {
        Objects.requireNonNull(rules, "rules");
        Set<String> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (CompiledLifetimeRule rule : rules) {
            Objects.requireNonNull(rule, "rule");
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("duplicate rule id " + rule.id());
            }
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("duplicate rule name " + rule.name());
            }
        }
        List<CompiledLifetimeRule> sorted = new ArrayList<>(rules);
        sorted.sort(EVALUATION_ORDER);
        return sorted.isEmpty() ? EMPTY : new LifetimeRuleSet(List.copyOf(sorted));
    }

    public static LifetimeRuleSet of(CompiledLifetimeRule... rules) {
        return of(List.of(rules));
    }

    /** This set with {@code rule} added, replacing any rule with the same id. */
    public LifetimeRuleSet with(CompiledLifetimeRule rule) {
        List<CompiledLifetimeRule> next = new ArrayList<>(rules.size() + 1);
        for (CompiledLifetimeRule existing : rules) {
            if (!existing.id().equals(rule.id())) {
                next.add(existing);
            }
        }
        next.add(rule);
        return of(next);
    }

    /** This set without the rule with {@code id} (unchanged if absent). */
    public LifetimeRuleSet without(String id) {
        List<CompiledLifetimeRule> next = new ArrayList<>(rules.size());
        for (CompiledLifetimeRule existing : rules) {
            if (!existing.id().equals(id)) {
                next.add(existing);
            }
        }
        return next.size() == rules.size() ? this : of(next);
    }

    /** The rules in evaluation order. */
    public List<CompiledLifetimeRule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    CompiledLifetimeRule get(int position) {
        return rules.get(position);
    }

    int[] positionsFor(TokenType type) {
        return positionsByType[type.ordinal()];
    }
}
