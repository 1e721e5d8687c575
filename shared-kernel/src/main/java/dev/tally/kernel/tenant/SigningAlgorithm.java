package dev.tally.kernel.tenant;

/** The JWS algorithm a tenant signs its tokens with. ES256 is the default: small keys, small signatures. */
public enum SigningAlgorithm {
    ES256,
    RS256;

    public static SigningAlgorithm parse(String value) {
        for (SigningAlgorithm a : values()) {
            if (a.name().equals(value)) {
                return a;
            }
        }
        throw new dev.tally.kernel.problem.InvalidInput("signing_alg", "must be one of ES256, RS256");
    }
}
