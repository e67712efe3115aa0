-- bootd schema version 4: a per-profile stall timeout for the host states.
-- Applied by `bootd db migrate`; statements end with ';' at end of line.
-- Seconds a boot of a host of this profile with build = 1 may take from
-- its DHCP ACK to install-done before bootd shows the host as stalled
-- (status page, /api/, /metrics, one log line). NULL = the setting
-- status.stall_timeout; 0 = never stalled. bootd rejects (names in
-- `bootd check`) a value above 31536000 (a year). ALTER TABLE keeps the
-- profiles_gen_* triggers, so setting it bumps the generation.

ALTER TABLE profiles
	ADD COLUMN stall_timeout INT UNSIGNED NULL;
