-- Up to 50 callbacks and 50 logout URLs of up to 1,000 characters each do not fit 8000 characters of JSON.
ALTER TABLE client_catalog ALTER COLUMN callbacks SET DATA TYPE VARCHAR(65536);
ALTER TABLE client_catalog ALTER COLUMN allowed_logout_urls SET DATA TYPE VARCHAR(65536);
