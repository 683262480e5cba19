-- Stored subtree hashes of the Merkle tree over the links (coop/infra/audit_tree.py):
-- the root of each perfect subtree of 256 leaves and up, kept by coop as it verifies
-- events for a checkpoint, so the next checkpoint and an audit path start from them
-- instead of rehashing the log. Never trusted: a stored hash counts only once it
-- folds to a root coop signed. Rewritable by coop (a wrong row is replaced by the
-- one recomputed), so not append-only like the log.
CREATE TABLE audit_tree (
    height smallint NOT NULL,
    -- The subtree over leaves [index * 2^height, (index + 1) * 2^height).
    index bigint NOT NULL,
    hash bytea NOT NULL CHECK (length(hash) = 32),
    -- The notification id of its last leaf: which block an event is in.
    last_id bigint NOT NULL,
    PRIMARY KEY (height, index)
);
CREATE INDEX audit_tree_blocks ON audit_tree (height, last_id);
