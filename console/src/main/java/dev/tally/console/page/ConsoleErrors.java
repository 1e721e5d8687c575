package dev.tally.console.page;

import dev.tally.console.api.ApiRefusal;
import dev.tally.console.api.ApiUnreachable;
import dev.tally.console.session.ConsoleSessions;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every refusal as a page a person can read, with the status it deserves: the API's own 4xx passed on with its
 * words, the console's own checks as 400, an API that cannot be reached or fails as 502. Never a 500 for input.
 */
@ControllerAdvice(basePackages = "dev.tally.console")
public class ConsoleErrors {

    @ExceptionHandler(ApiRefusal.class)
    ResponseEntity<String> refused(ApiRefusal e, HttpServletRequest request) {
        Page page = Page.of(request, e.title());
        int status = e.status();
        switch (status) {
            case 401 -> page.h1("Not signed in to the management API")
                    .p("The management API no longer accepts this console session's credential (it may have expired "
                            + "or been revoked): " + e.detail())
                    .html("<p>" + page.a("Sign in again", "/sign-in") + "</p>");
            case 403 -> page.h1("Not allowed")
                    .p("The management API does not let this credential see this: " + e.detail());
            case 404 -> page.h1("Not found").p(e.detail());
            default -> {
                if (status >= 500) {
                    page.h1("The management API failed").p("It answered " + status + ": " + e.detail());
                    return page.status(502);
                }
                page.h1(e.title()).p(e.detail());
            }
        }
        return page.status(status);
    }

    @ExceptionHandler(ApiUnreachable.class)
    ResponseEntity<String> unreachable(ApiUnreachable e, HttpServletRequest request) {
        return Page.of(request, "Unreachable").h1("The management API cannot be reached").p(e.getMessage()).status(502);
    }

    @ExceptionHandler(BadInput.class)
    ResponseEntity<String> badInput(BadInput e, HttpServletRequest request) {
        return Page.of(request, "Bad input").h1("Bad input").p(e.field() + " " + e.getMessage()).status(400);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<String> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return Page.of(request, "Bad input").h1("Bad input").p(e.getParameterName() + " is required").status(400);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<String> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return Page.of(request, "Bad input").h1("Bad input").p(e.getName() + " has the wrong form").status(400);
    }

    @ExceptionHandler(ConsoleSessions.Full.class)
    ResponseEntity<String> full(ConsoleSessions.Full e, HttpServletRequest request) {
        return Page.of(request, "Busy").h1("Too many console sessions").p(e.getMessage()).status(503);
    }
}
