package dev.tally.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.platform.config.TallyPlatformAutoConfiguration;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The fuzz harness's {@code GET /error}: Spring Boot's error controller reached directly answered 500 (status 999). */
class ErrorPathGuardTest {

    @Test
    void aRequestForTheErrorPathItselfIsNotFoundInsteadOfA500() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setServletPath("/error");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        new ErrorPathGuard().doFilter(request, response, chain);

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(chain.getRequest()).as("the error controller is not reached").isNull();
    }

    @Test
    void theContainersErrorDispatchesStillReachTheErrorController() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setDispatcherType(DispatcherType.ERROR);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        new ErrorPathGuard().doFilter(request, response, chain);

        assertThat(chain.getRequest()).isSameAs(request);
        FilterRegistrationBean<ErrorPathGuard> registration = new TallyPlatformAutoConfiguration().errorPathGuard("/error");
        assertThat(registration.getUrlPatterns()).containsExactly("/error");
    }
}
