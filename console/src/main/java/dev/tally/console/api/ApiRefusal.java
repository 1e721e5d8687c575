package dev.tally.console.api;

/** The management API answered with an error (its RFC 9457 problem's title and detail when it sent one). */
public class ApiRefusal extends RuntimeException {
    private final int status;
    private final String title;
    private final String detail;

    public ApiRefusal(int status, String title, String detail) {
        super(status + " " + title + ": " + detail);
        this.status = status;
        this.title = title;
        this.detail = detail;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }
}
