-- An API's scopes, up to 100 of up to 200 characters (which need no JSON escaping), do not fit 8000 characters of JSON.
ALTER TABLE api_catalog ALTER COLUMN scopes SET DATA TYPE VARCHAR(65536);
