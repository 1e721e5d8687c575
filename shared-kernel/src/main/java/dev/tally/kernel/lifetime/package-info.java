/**
 * Token lifetime engine: how long each token Tally issues lives, and a trace of why.
 *
 * <p>One interface, {@link dev.tally.kernel.lifetime.LifetimeEngine}, takes a
 * {@link dev.tally.kernel.lifetime.LifetimeContext} (tenant settings, the tenant's compiled rules, the API
 * or the userinfo marker, client, optional user, request) and returns
 * {@link dev.tally.kernel.lifetime.LifetimeDecisions}: one {@link dev.tally.kernel.lifetime.LifetimeDecision}
 * per token type and session timeout, each with the lifetime, the expiry, the ordered
 * {@link dev.tally.kernel.lifetime.trace.TraceStep}s and the step that decided it.
 *
 * <pre>{@code
 * LifetimeRuleCompiler compiler = new LifetimeRuleCompiler();           // once per process
 * CompiledLifetimeRule rule = compiler.compile("r-1", "onboarding-m2m", 10,
 *         "client.metadata.tier == \"onboarding\"",
 *         List.of(LifetimeEffect.accessTokenLifetime(60)));             // at save/load; 400 on RuleCompilationException
 * LifetimeRuleSet rules = LifetimeRuleSet.of(rule);                     // kept in the tenant's projection
 *
 * LifetimeEngine engine = new DefaultLifetimeEngine();
 * LifetimeDecisions decisions = engine.decide(
 *         LifetimeContext.builder(tenantSettings, client, TokenRequest.forApi(
 *                         "client_credentials", api.identifier(), scopes, false))
 *                 .api(api).rules(rules).build(),
 *         clock.instant());                                             // the instant of issue: the caller's
 * long exp = decisions.accessToken().expiresAt().getEpochSecond();     // iat = decisions.issuedAt()
 * }</pre>
 *
 * <p>Rule conditions are CEL (dev.cel) over {@code client}, {@code user}, {@code request} and
 * {@code now}; {@link dev.tally.kernel.lifetime.LifetimeRuleCompiler} lists the fields. They are type-checked when saved and
 * evaluated under {@link dev.tally.kernel.lifetime.LifetimeRuleLimits}; a failing or runaway rule
 * counts as not matching and is traced, never thrown.
 */
package dev.tally.kernel.lifetime;
