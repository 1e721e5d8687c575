/**
 * The event stream: every event of the event store, published to Kafka for the services of a distributed deployment
 * and for consumers outside Tally (SIEMs, resource servers).
 *
 * <h2>Publishing</h2>
 * {@link dev.tally.stream.KafkaRelay} is the one handler of the tracking processor {@code kafka-relay} (one
 * segment, one thread). It publishes each batch of events, waits until Kafka acknowledged every record
 * ({@code acks=all}, idempotent producer), and only then lets the batch commit, with the processor's position in the
 * token store in the same transaction. A failure rolls the batch back and it is published again, from its first event:
 * at least once, never lost, never reordered within an aggregate; copies are possible.
 *
 * <h2>The record</h2>
 * Topic {@code tally.stream.topic} (default {@code tally.events}). Key: the aggregate id, or for an event without an
 * aggregate (issued and revoked tokens) the tenant id. Headers (UTF-8): {@code tally_tenant_id},
 * {@code tally_event_type}, {@code tally_event_id}, {@code tally_global_index}, and for events of an aggregate
 * {@code tally_aggregate_id}, {@code tally_aggregate_sequence}; {@code content-type:
 * application/cloudevents+json; charset=UTF-8}. Value: a CloudEvents 1.0 event in structured JSON mode, see
 * {@link dev.tally.stream.CloudEventCodec}.
 *
 * <h2>The contract</h2>
 * Event types are {@code dev.tally.<area>.<EventName>.v<revision>}, listed in
 * {@link dev.tally.kernel.stream.EventTypes}, the only place that names them. {@code data} is the event's payload as
 * the event store keeps it (Axon's JSON of the kernel record, field names in camelCase), without secret fields unless
 * {@code tally.stream.include-secrets=true}.
 *
 * <h2>Consuming</h2>
 * {@link dev.tally.stream.TallyEventConsumer} (started through
 * {@link dev.tally.stream.TallyEventConsumers}) hands events over in partition order and commits offsets after
 * they were applied; {@link dev.tally.stream.EventDeduplicator} makes applying them idempotent.
 */
package dev.tally.stream;
