-- Login sessions as the administrator and the expiry sweeper read them. Written by the catalog's subscribing
-- processor in the transaction that appends the session's events; whether a session is alive is still decided by
-- the Session aggregate, never from this table.
CREATE TABLE session_catalog (
    tenant_id         VARCHAR(63)              NOT NULL,
    session_id        VARCHAR(64)              NOT NULL,
    user_id           VARCHAR(64)              NOT NULL,
    client_id         VARCHAR(64)              NOT NULL,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    idle_deadline     TIMESTAMP WITH TIME ZONE NOT NULL,
    absolute_deadline TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at          TIMESTAMP WITH TIME ZONE,
    end_reason        VARCHAR(32),
    PRIMARY KEY (tenant_id, session_id)
);

-- The sweeper's query: sessions not ended (ended_at IS NULL) whose idle deadline has passed. The idle deadline
-- never lies beyond the absolute one, so it alone says whether any deadline has passed; live sessions are one
-- range of this index, however many ended rows accumulate.
CREATE INDEX ix_session_catalog_due ON session_catalog (ended_at, idle_deadline);

-- The administrator's view of a user's sessions.
CREATE INDEX ix_session_catalog_user ON session_catalog (tenant_id, user_id);
