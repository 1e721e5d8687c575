package dev.tally.token.endpoint;

import dev.tally.token.protocol.OAuthEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerAdapter;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OAuth endpoints' POSTs under {@code /t/{tenant}/} (token, introspection, revocation), found by one map lookup
 * and called directly. Under introspection load Spring MVC's general path took about half of a request
 * thread's CPU: matching the path against every mapping of the application (all but a few have a path variable, so
 * none is found by its literal path), resolving the two arguments, and choosing and running a message converter for
 * the answer. The endpoint's own work was 16 % (BENCHMARKS.md, "Introspection", 2026-12-06 (late night)).
 * <ul>
 *   <li>Spring's mappings stay the definition. At start the routes are read from the {@code @PostMapping}s of the
 *       {@link OAuthEndpoint} controllers that have exactly this shape: POST only, no other condition, a pattern
 *       {@code /t/{tenant}/} and literal segments, a method {@code (@PathVariable String tenant,
 *       HttpServletRequest)} returning a {@link ResponseEntity}. Any other mapping is left to Spring.</li>
 *   <li>A request this mapping does not take goes on to Spring's mappings, as before: another method (so a GET is
 *       still refused there with 405), a tenant segment with any character but unreserved ones (an encoded one,
 *       a matrix variable), a path that is not exactly a route's.</li>
 *   <li>The handler is the endpoint's own {@link HandlerMethod}, so what it throws reaches the same exception
 *       resolvers ({@link OAuthErrors}). The request attributes Spring's mapping would set are set (the pattern,
 *       the path variable), and the pattern is given to the request's observation, so {@code
 *       http.server.requests} keeps its {@code uri} tag.</li>
 *   <li>The answer is written as Spring writes a {@code ResponseEntity} of a map, with the application's
 *       {@link JsonMapper}, except that it is serialized first and sent with its length rather than chunked.
 *       Spring's mapping's interceptors (for views only; Tally registers none) do not run.</li>
 * </ul>
 */
@Component
public class OAuthRoutes implements HandlerMapping, HandlerAdapter, Ordered, SmartInitializingSingleton {
    static final String TENANT_ROUTE = "/t/{tenant}";
    private static final String TENANT = "tenant";
    private static final String TENANT_ATTRIBUTE = OAuthRoutes.class.getName() + ".tenant";
    /** Longer tenant segments are left to Spring (tenant ids are at most 63 characters). */
    private static final int MAX_TENANT = 128;

    private final RequestMappingHandlerMapping mvc;
    private final JsonMapper json;
    private volatile Map<String, Route> routes = Map.of();

    public OAuthRoutes(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mvc, JsonMapper json) {
        this.mvc = mvc;
        this.json = json;
    }

    /** A route: the endpoint's handler method, bean resolved, with the pattern Spring would report. */
    static final class Route extends HandlerMethod {
        private final String pattern;

        Route(HandlerMethod endpoint, String pattern) {
            super(endpoint.getBean(), endpoint.getMethod());
            this.pattern = pattern;
        }

        String pattern() {
            return pattern;
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        Map<String, Route> found = new HashMap<>();
        mvc.getHandlerMethods().forEach((info, method) -> {
            Set<String> suffixes = suffixes(info, method);
            if (!suffixes.isEmpty()) {
                HandlerMethod endpoint = method.createWithResolvedBean(); // the singleton controller itself
                suffixes.forEach(suffix -> found.put(suffix, new Route(endpoint, TENANT_ROUTE + suffix)));
            }
        });
        routes = Map.copyOf(found);
    }

    private static Set<String> suffixes(RequestMappingInfo info, HandlerMethod endpoint) {
        if (!AnnotatedElementUtils.hasAnnotation(endpoint.getBeanType(), OAuthEndpoint.class)
                || !info.getMethodsCondition().getMethods().equals(Set.of(RequestMethod.POST))
                || !info.getParamsCondition().isEmpty() || !info.getHeadersCondition().isEmpty()
                || !info.getConsumesCondition().isEmpty() || !info.getProducesCondition().isEmpty()
                || info.getCustomCondition() != null || info.getPathPatternsCondition() == null
                || !takesTenantAndRequest(endpoint)) {
            return Set.of();
        }
        Set<String> suffixes = new HashSet<>();
        for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
            if (pattern.startsWith(TENANT_ROUTE + "/")) {
                String suffix = pattern.substring(TENANT_ROUTE.length());
                if (suffix.chars().allMatch(c -> c == '/' || unreserved(c)) && !suffix.contains("//")
                        && !suffix.endsWith("/")) {
                    suffixes.add(suffix);
                }
            }
        }
        return suffixes;
    }

    private static boolean takesTenantAndRequest(HandlerMethod endpoint) {
        Method method = endpoint.getMethod();
        Class<?>[] types = method.getParameterTypes();
        if (types.length != 2 || types[0] != String.class || types[1] != HttpServletRequest.class
                || !ResponseEntity.class.isAssignableFrom(method.getReturnType())) {
            return false;
        }
        MethodParameter first = endpoint.getMethodParameters()[0];
        PathVariable variable = first.getParameterAnnotation(PathVariable.class);
        if (variable == null) {
            return false;
        }
        String name = !variable.name().isEmpty() ? variable.name() : variable.value();
        if (name.isEmpty()) {
            first.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
            name = first.getParameterName();
        }
        return TENANT.equals(name);
    }

    @Override
    public HandlerExecutionChain getHandler(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return null;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (uri == null || !uri.startsWith(context) || !uri.startsWith("/t/", context.length())) {
            return null;
        }
        int from = context.length() + 3;
        int end = uri.indexOf('/', from);
        if (!tenantSegment(uri, from, end)) {
            return null;
        }
        Route route = routes.get(uri.substring(end));
        if (route == null) {
            return null;
        }
        String tenant = uri.substring(from, end);
        request.setAttribute(TENANT_ATTRIBUTE, tenant);
        request.setAttribute(PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE, uri.substring(context.length()));
        request.setAttribute(BEST_MATCHING_PATTERN_ATTRIBUTE, route.pattern());
        request.setAttribute(BEST_MATCHING_HANDLER_ATTRIBUTE, route);
        request.setAttribute(URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of(TENANT, tenant));
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(observation -> observation.setPathPattern(route.pattern()));
        return new HandlerExecutionChain(route);
    }

    /**
     * Whether {@code uri[from, end)} is a tenant segment taken as it is: 1 to {@link #MAX_TENANT} of RFC 3986's
     * unreserved characters, so it reads the same encoded and decoded (anything else is left to Spring's decoding).
     */
    static boolean tenantSegment(String uri, int from, int end) {
        if (end <= from || end - from > MAX_TENANT) {
            return false;
        }
        for (int i = from; i < end; i++) {
            if (!unreserved(uri.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986's unreserved characters: a segment of only these reads the same encoded and decoded. */
    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    @Override
    public boolean supports(Object handler) {
        return handler instanceof Route;
    }

    @Override
    public ModelAndView handle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        Route route = (Route) handler;
        String tenant = (String) request.getAttribute(TENANT_ATTRIBUTE);
        ResponseEntity<?> answer;
        try {
            answer = (ResponseEntity<?>) route.getMethod().invoke(route.getBean(), tenant, request);
        } catch (InvocationTargetException e) {
            // as Spring's own invocation: the endpoint's exception, not the reflection's wrapper
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
        write(answer, response);
        return null;
    }

    private void write(ResponseEntity<?> answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        if (answer.getBody() == null) {
            response.setContentLength(0);
            return;
        }
        byte[] body = json.writeValueAsBytes(answer.getBody());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    @Override
    public int getOrder() {
        return -10; // before Spring's request mappings (0); the actuator's (-100) share no path with these
    }
}
