package dev.tally.console.page;

/** Input the console refuses itself, before asking the API: shown as a 400 page naming the field. */
public class BadInput extends RuntimeException {
    private final String field;

    public BadInput(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
