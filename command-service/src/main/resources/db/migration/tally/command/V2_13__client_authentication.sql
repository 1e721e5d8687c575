-- How the client authenticates and its ID-token algorithm (ClientAuthSettings as JSON: token_endpoint_auth_method,
-- public jwks or jwks_uri, id_token_signed_response_alg); NULL = the defaults every client had before it could choose.
ALTER TABLE client_catalog ADD COLUMN authentication VARCHAR(65536);
