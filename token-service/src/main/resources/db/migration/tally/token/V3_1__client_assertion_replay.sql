-- Client assertions (private_key_jwt, RFC 7523) already accepted, shared by every token-service node through the one
-- database so that an assertion is accepted once however requests are spread (RFC 7523 §3 item 7, OpenID Connect
-- Core §9: a jti is used once). The jti is kept as its SHA-256 (one width whatever the client sent). A row is needed
-- only while its assertion could still be accepted: until its exp; later rows are deleted.
CREATE TABLE client_assertion_jti (
    tenant_id  VARCHAR(63)              NOT NULL,
    client_id  VARCHAR(64)              NOT NULL,
    jti_hash   VARCHAR(64)              NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    -- The insert that loses a race on this key is the replay.
    PRIMARY KEY (tenant_id, client_id, jti_hash)
);

-- Pruning of rows whose assertions have expired.
CREATE INDEX ix_client_assertion_jti_expires ON client_assertion_jti (expires_at);
