-- The client networks (IPv4 /24, IPv6 /48, as text: 198.51.100.0/24) each account has authenticated from. A successful
-- AUTH from a network not listed here raises the account's scrutiny for a while; an account's first networks (its first
-- day of history) are only learned. Every node reads and writes it, so a network is new once for all of them.
CREATE TABLE account_networks (
    account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network     text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (account_id, network)
);
