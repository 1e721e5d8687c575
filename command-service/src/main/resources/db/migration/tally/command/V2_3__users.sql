-- Users of a tenant, for set validation (a username is unique in its tenant regardless of case: username_key is
-- its lower-case form) and for the management API's reads. No password hash here: it lives only in the events.
-- Lists and maps are JSON text. Sized for the aggregate's bounds with JSON escaping at its worst: metadata up to
-- 20 pairs of 255 + 255 characters, roles and permissions up to 100 entries of 200 characters.
-- username_key is wider than username because lower-casing can lengthen a string (U+0130 becomes two chars).
CREATE TABLE user_catalog (
    tenant_id     VARCHAR(63)              NOT NULL,
    user_id       VARCHAR(64)              NOT NULL,
    username      VARCHAR(128)             NOT NULL,
    username_key  VARCHAR(256)             NOT NULL,
    user_metadata VARCHAR(65536)           NOT NULL,
    roles         VARCHAR(65536)           NOT NULL,
    permissions   VARCHAR(65536)           NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT uk_user_catalog_username UNIQUE (tenant_id, username_key)
);
