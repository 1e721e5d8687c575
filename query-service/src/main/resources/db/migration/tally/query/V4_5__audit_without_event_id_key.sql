-- The audit's unique key on (tenant_id, event_id) goes. An event's row is keyed by its position, the event's global
-- index in the store, so the primary key (tenant_id, position) already holds each event once, and a repeated
-- delivery is recognised by its position range before the insert (AuditRepository.insertAll). Nothing reads by
-- event id. The key was one more B-tree written, and stored, for every row of the audit's largest part, the
-- issuance records.
ALTER TABLE audit_event DROP CONSTRAINT uk_audit_event_id;
