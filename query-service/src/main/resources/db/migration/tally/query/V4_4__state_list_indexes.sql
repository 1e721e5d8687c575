-- The API's lists of sessions and refresh token families (newest first by start, then id; keyset pages): each list
-- is one range of one of these indexes read in its order, so a page stops at its limit. Without the id in the key,
-- and without an index for the tenant-wide lists, each page read and sorted every matching row first: a user's whole
-- history of sessions, or every session of the tenant.
DROP INDEX ix_session_view_user;
CREATE INDEX ix_session_view_user ON session_view (tenant_id, user_id, started_at, session_id);
CREATE INDEX ix_session_view_started ON session_view (tenant_id, started_at, session_id);

DROP INDEX ix_refresh_family_view_user;
CREATE INDEX ix_refresh_family_view_user ON refresh_family_view (tenant_id, user_id, started_at, family_id);
DROP INDEX ix_refresh_family_view_session;
CREATE INDEX ix_refresh_family_view_session ON refresh_family_view (tenant_id, session_id, started_at, family_id);
CREATE INDEX ix_refresh_family_view_started ON refresh_family_view (tenant_id, started_at, family_id);
