package dev.tally.platform.problem;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The container's error dispatches in the addressed endpoint's form, the container's message never shown. */
class ContainerErrorsTest {

    @Test
    void aContainers400OnTheTokenEndpointIsAnRfc6749Error() throws Exception {
        MockHttpServletResponse response = dispatch(400, "/t/acme/oauth/token", "java.io.EOFException: at byte 37");

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.getContentAsString())
                .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"the request could not be read\"}");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void aFailureOnAnOAuthEndpointIsAServerError() throws Exception {
        MockHttpServletResponse response = dispatch(503, "/t/acme/oauth/introspect", "pool exhausted: jdbc:postgresql://db");

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString())
                .isEqualTo("{\"error\":\"server_error\",\"error_description\":\"the request failed\"}");
    }

    @Test
    void elsewhereAProblemAndAMissingOrImpossibleStatusIsA500() throws Exception {
        MockHttpServletResponse notFound = dispatch(404, "/admin/nothing", null);
        assertThat(notFound.getContentType()).startsWith("application/problem+json");
        assertThat(notFound.getContentAsString()).isEqualTo(
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such resource\"}");

        for (Integer status : new Integer[] {null, 200, 999}) {
            MockHttpServletResponse response = dispatch(status, null, null);
            assertThat(response.getStatus()).as("status attribute %s", status).isEqualTo(500);
            assertThat(response.getContentAsString()).contains("\"detail\":\"the request failed\"");
        }
    }

    private static MockHttpServletResponse dispatch(Integer status, String uri, String message) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/error");
        request.setDispatcherType(DispatcherType.ERROR);
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, uri);
        request.setAttribute(RequestDispatcher.ERROR_MESSAGE, message);
        MockHttpServletResponse response = new MockHttpServletResponse();
        new ContainerErrors().error(request, response);
        if (message != null) {
            assertThat(response.getContentAsString()).doesNotContain(message);
        }
        return response;
    }
}
