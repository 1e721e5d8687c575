package dev.tally.platform.problem;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renders the servlet container's error dispatches, in place of Spring Boot's error controller, in the form of the
 * endpoint the failed request was addressed to ({@link ErrorAnswers}). They come from errors no endpoint answered: the
 * container's own (a body that ended before its {@code Content-Length}: Tomcat flags the failed read and answers 400
 * through its error page) and a {@code sendError} such as {@link ErrorPathGuard}'s. Spring Boot's controller wrote its
 * own JSON ({@code timestamp}, {@code status}, {@code error}, {@code path}) on every path, an OAuth endpoint included.
 *
 * <p>The reason shown is the status's, never the container's message, which can carry an exception's text.
 */
@RestController
@RequestMapping("${server.error.path:/error}")
public class ContainerErrors implements ErrorController {

    @RequestMapping
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
                && code >= 400 && code <= 599 ? code : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        String path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String uri ? uri : "/";
        ErrorAnswers.write(path, response, status, reason(status));
    }

    static String reason(int status) {
        return switch (status) {
            case HttpServletResponse.SC_BAD_REQUEST -> "the request could not be read";
            case HttpServletResponse.SC_NOT_FOUND -> "no such resource";
            case HttpServletResponse.SC_METHOD_NOT_ALLOWED -> "the method is not allowed here";
            case HttpServletResponse.SC_REQUEST_TIMEOUT -> "the request was not received in time";
            case HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE -> "the request is too large";
            default -> status >= 500 ? "the request failed" : "the request was refused";
        };
    }
}
