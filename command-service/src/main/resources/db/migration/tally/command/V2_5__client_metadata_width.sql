-- 20 metadata keys and values of up to 255 characters each do not fit 8000 characters of JSON.
ALTER TABLE client_catalog ALTER COLUMN client_metadata SET DATA TYPE VARCHAR(65536);
