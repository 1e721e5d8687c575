package dev.tally.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The Kafka record of an event: key, headers and the CloudEvent as value. The key is the aggregate id for an event of
 * an aggregate, so all events of one aggregate land in one partition in their order; an event without an aggregate
 * (issued and revoked tokens) is keyed by its tenant, so a tenant's token events stay in their order too. The headers
 * repeat what a router or filter needs without parsing the value (all UTF-8 strings).
 */
public final class StreamRecords {
    public static final String TENANT_ID = "tally_tenant_id";
    public static final String EVENT_TYPE = "tally_event_type";
    public static final String EVENT_ID = "tally_event_id";
    public static final String GLOBAL_INDEX = "tally_global_index";
    /** Only on events of an aggregate, like {@link #AGGREGATE_SEQUENCE}. */
    public static final String AGGREGATE_ID = "tally_aggregate_id";
    public static final String AGGREGATE_SEQUENCE = "tally_aggregate_sequence";
    public static final String CONTENT_TYPE = "content-type";

    private StreamRecords() {
    }

    public static ProducerRecord<String, byte[]> producerRecord(String topic, CloudEventCodec.Outbound event) {
        List<Header> headers = new ArrayList<>(7);
        headers.add(header(TENANT_ID, event.tenantId()));
        headers.add(header(EVENT_TYPE, event.type()));
        headers.add(header(EVENT_ID, event.id()));
        headers.add(header(GLOBAL_INDEX, Long.toString(event.globalIndex())));
        if (event.aggregateId() != null) {
            headers.add(header(AGGREGATE_ID, event.aggregateId()));
            headers.add(header(AGGREGATE_SEQUENCE, Long.toString(event.aggregateSequence())));
        }
        headers.add(header(CONTENT_TYPE, CloudEventCodec.CONTENT_TYPE));
        return new ProducerRecord<>(topic, null, event.key(), event.value(), headers);
    }

    /** The value of a header of a consumed record, or {@code null}. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
