-- A removed tenant keeps its row (its accounts' history and the audit trail name it) under a tombstone domain
-- ("tenant.example#removed-7") that no look-up matches, so the domain can be added again as a new tenant.
ALTER TABLE tenants ADD COLUMN removed_at timestamptz NULL;

-- A removed UI user keeps its row under a tombstone name ("ana#removed-3"): the name is free again, and a sign-in
-- cookie issued to the removed person never matches the row of a new user who takes the name.
ALTER TABLE admin_users ADD COLUMN removed_at timestamptz NULL;
