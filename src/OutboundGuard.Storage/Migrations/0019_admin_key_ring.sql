-- The admin console's key ring (ASP.NET Core data protection: what signs and encrypts the sign-in cookie and the
-- forms' antiforgery tokens), kept with the rest of the console's state so that every node behind a load balancer
-- reads the same keys and a restart signs nobody out. One row per key as data protection writes it (XML); rows are
-- only added, the key ring itself retires expired keys.
CREATE TABLE admin_key_ring (
    name       text PRIMARY KEY,
    xml        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
