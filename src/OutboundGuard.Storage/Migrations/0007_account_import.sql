-- The provider's known usual volume of an account (messages per hour), given at import, so scoring can seed
-- the account's baseline before the relay has seen its traffic. NULL: unknown, learnt from traffic only.
ALTER TABLE accounts ADD COLUMN usual_messages_per_hour double precision NULL
    CHECK (usual_messages_per_hour IS NULL OR usual_messages_per_hour > 0);

-- SHA-256 of the password hash an import last gave the account (the hash string, salt included, so it reveals
-- nothing a guess could be checked against). An imported hash is replaced by Argon2id at the next AUTH; this
-- lets a re-run of the same file see that the provider's hash has not changed and leave the password alone.
ALTER TABLE accounts ADD COLUMN imported_password_hash_sha256 bytea NULL;
