-- The least-privilege account of `bootd serve`, `bootd check` and the
-- other commands but `bootd db migrate` (which needs CREATE, ALTER,
-- TRIGGER: run it as the database owner). Replace the password; a unix
-- socket account may use IDENTIFIED VIA unix_socket instead.
--   reads:  the inventory, the generation counter, the schema version;
--           boot_events and discovered for retention's row-count edge
--           and for `bootd discovered`
--   writes: boot events and discovered MACs (an upsert), the build flag
--           (install-done), and retention's DELETEs
CREATE USER 'bootd'@'localhost' IDENTIFIED BY 'change-me';
GRANT SELECT ON bootd.profiles TO 'bootd'@'localhost';
GRANT SELECT ON bootd.hosts TO 'bootd'@'localhost';
GRANT SELECT ON bootd.host_vars TO 'bootd'@'localhost';
GRANT SELECT ON bootd.generation TO 'bootd'@'localhost';
GRANT SELECT ON bootd.schema_version TO 'bootd'@'localhost';
GRANT UPDATE (build) ON bootd.hosts TO 'bootd'@'localhost';
GRANT SELECT, INSERT, DELETE ON bootd.boot_events TO 'bootd'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON bootd.discovered TO 'bootd'@'localhost';
