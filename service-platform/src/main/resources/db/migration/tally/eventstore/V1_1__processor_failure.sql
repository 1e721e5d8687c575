-- Why a tracking processor (a query-side view, the Kafka relay) is failing: written by the node whose batch failed,
-- in a transaction of its own (the batch's rolled back), and deleted by the next batch that commits, in that batch's
-- transaction. Every node reads it, so every node reports the same status. One row per failing processor.
CREATE TABLE processor_failure (
    processor_name  VARCHAR(255)             NOT NULL,
    error_class     VARCHAR(255)             NOT NULL,
    error_message   VARCHAR(2000),
    position        BIGINT,
    failing_since   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    attempts        BIGINT                   NOT NULL,
    PRIMARY KEY (processor_name)
);
