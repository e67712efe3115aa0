-- bootd schema version 3: every table in utf8mb4, an index for retention.
-- Applied by `bootd db migrate`; statements end with ';' at end of line.
-- A MariaDB running with its compiled-in defaults made the tables latin1,
-- where an installer's honest "disk ok ✓" cannot be stored. CONVERT keeps
-- every row and trigger; utf8mb4_general_ci compares like latin1's default
-- (case-insensitive), so the UNIQUE keys keep their meaning. Tables made
-- later (by a later step) inherit the database default set here.

ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE schema_version CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE generation CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE profiles CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE hosts CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE host_vars CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE boot_events CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
ALTER TABLE discovered CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;

-- Retention prunes the least recently seen MACs first, in small batches.
ALTER TABLE discovered ADD KEY discovered_last_seen (last_seen);
