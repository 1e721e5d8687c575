package dev.tally.kernel.stream;

import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import org.axonframework.eventhandling.EventMessage;

/**
 * Which events the relay publishes to the internal topic ({@code tally.stream.internal-topic}).
 *
 * <p>The internal topic is the token service's feed, nothing else: every token-service node reads all of it and
 * decodes every record, so a record no token view needs costs CPU on each node, per event, and that cost grows with
 * the number of nodes. The bulk of the store is issuance records, one per token, and most of them are of no use to
 * those views: an {@link AccessTokenIssued} with neither a login session nor a refresh-token family (a machine token
 * of the client-credentials grant) changes nothing in the revocation view, which follows issuance only to know how
 * long a revoked session or family must stay revoked; and no token view reads {@link IdTokenIssued}. So those two are
 * left out; every other event goes on the internal topic.
 *
 * <p>The public topic ({@code tally.stream.topic}) is unaffected: it is the contract for outside consumers and
 * carries every event of the store.
 *
 * <p>Whoever makes a token view handle another event type, or makes the revocation view use more of
 * {@code AccessTokenIssued}, must revisit this rule: the token service's guard test fails if a view starts to need
 * something dropped here.
 */
public final class InternalFeed {
    private InternalFeed() {
    }

    /** True if the internal topic carries an event with this payload. */
    public static boolean carries(Object payload) {
        if (payload instanceof IdTokenIssued) {
            return false;
        }
        if (payload instanceof AccessTokenIssued issued) {
            return issued.sessionId() != null || issued.familyId() != null;
        }
        return true;
    }

    /**
     * True if the internal topic carries this event. The payload is deserialized only for {@code AccessTokenIssued}:
     * the type alone decides for every other event.
     */
    public static boolean carries(EventMessage<?> event) {
        return !mayLeaveOut(event.getPayloadType()) || carries(event.getPayload());
    }

    /**
     * True for the payload types of which the internal topic leaves out some or all events: every event of any other
     * type is carried, whatever its payload.
     */
    public static boolean mayLeaveOut(Class<?> payloadType) {
        return payloadType == IdTokenIssued.class || payloadType == AccessTokenIssued.class;
    }
}
