-- policylog schema 12: where a reader finds each document (`url`, from its header's
-- `url` or `policylog add --url`); NULL when none was given. `record_hash` covers it only
-- when present, so the documents recorded before keep their hashes (docs/hash-chain.md).
ALTER TABLE documents ADD COLUMN url TEXT;
