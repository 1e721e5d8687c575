package dev.tally.testsupport.fuzz;

/** The kinds of hostile input the generator makes; each request is one endpoint's valid request spoiled in one way. */
public enum Category {
    /** Form or query parameters the container cannot decode: {@code %ff%fe}, raw invalid UTF-8, a bare {@code %}, {@code %zz}, {@code %u0041}, {@code &=}. */
    UNDECODABLE_PARAMETER,
    /** A password with bytes the container cannot decode ({@code %F6}), on the password grant and the login form. */
    UNDECODABLE_PASSWORD,
    /** {@code multipart/form-data} without a boundary, on every POST and PATCH. */
    MULTIPART_WITHOUT_BOUNDARY,
    /** {@code Content-Type: *}{@code /*} on a POST or PATCH. */
    WILDCARD_CONTENT_TYPE,
    /** A {@code Content-Type} that does not parse. */
    UNPARSEABLE_CONTENT_TYPE,
    /** A {@code charset} no JVM knows, or an empty one. */
    UNKNOWN_CHARSET,
    /** A value repeated inside one parameter: {@code prompt=login login}, {@code scope=read read}. */
    REPEATED_VALUE,
    /** A parameter, JSON member or header given twice. */
    DUPLICATED_PARAMETER,
    /** A required parameter, member, header or the whole body left out, or given empty. */
    MISSING_PARAMETER,
    /** One value, path segment or header far longer than any real one. */
    OVERSIZE_VALUE,
    /** Thousands of parameters. */
    TOO_MANY_PARAMETERS,
    /** A form body over 2 MB. */
    OVERSIZE_FORM,
    /** A JSON body of megabytes: a long string, a long array, thousands of members. */
    HUGE_JSON,
    /** JSON nested thousands of levels deep. */
    DEEP_JSON,
    /** Numbers out of range: negative, zero, 2^63, -2^63-1, 2^31, floats, exponents, numbers as strings, extreme instants. */
    NUMBER_OUT_OF_RANGE,
    /** JSON of the wrong shape: a string for a number, an array for an object, null, truncated, not JSON. */
    WRONG_JSON_TYPE,
    /** A JSON member, query or form parameter the endpoint does not know. */
    UNKNOWN_FIELD,
    /** A method the path does not allow (or no method at all that HTTP knows). */
    WRONG_METHOD,
    /** Control characters (NUL, CR LF, ESC, DEL, bidi overrides) in values, headers and the path. */
    CONTROL_CHARACTERS,
    /** {@code ..}, encoded slashes and dots, {@code ;} parameters, empty segments, backslashes in the path. */
    PATH_TRAVERSAL,
    /** SQL, CEL, HTML, JNDI, format strings and log-forging text in values. */
    INJECTION,
    /** Path variables that name nothing, another tenant's resource, or are garbage. */
    FOREIGN_PATH_VARIABLE,
    /** Malformed credentials: Basic that is not Base64 or has no colon or undecodable bytes, garbage and forged bearers. */
    BAD_CREDENTIALS,
    /** Garbage, oversize and duplicated cookies. */
    BAD_COOKIE,
    /** A Host header that is garbage, has a bad port, or is repeated (issuers are derived from it). */
    BAD_HOST,
    /** Broken framing: bad chunk sizes, negative or non-numeric Content-Length, both Content-Length and chunked, HTTP/1.0, absolute and asterisk targets. */
    BAD_FRAMING
}
