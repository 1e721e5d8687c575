package dev.tally.platform.problem;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a request for Spring Boot's error path itself ({@code /error}) with 404, as for any path Tally does not
 * serve. The error controller is meant to render the container's error dispatches; reached directly it finds no error
 * status on the request and answers {@code 500} with status {@code 999} (found by the fuzz harness). Registered for
 * request dispatches only, so the error dispatches it exists for still reach it.
 */
public class ErrorPathGuard extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getDispatcherType() != DispatcherType.REQUEST;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
}
