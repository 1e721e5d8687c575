-- Where a client's users may be sent back to after login and logout, and the client's own session limits.
ALTER TABLE client_catalog ADD COLUMN callbacks VARCHAR(8000);
ALTER TABLE client_catalog ADD COLUMN allowed_logout_urls VARCHAR(8000);
ALTER TABLE client_catalog ADD COLUMN session_idle_timeout BIGINT;
ALTER TABLE client_catalog ADD COLUMN session_absolute_timeout BIGINT;
