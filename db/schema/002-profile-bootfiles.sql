-- bootd schema version 2: per-profile DHCP boot file overrides.
-- Applied by `bootd db migrate`; statements end with ';' at end of line.
-- NULL or '' means "use the config's dhcp.bootfile.<arch>". bootd rejects
-- (names in `bootd check`) a profile whose value is longer than 127 bytes
-- or holds anything but printable ASCII without spaces, '"', '\', ',' or
-- '#'. bootfile_ipxe may hold {{mac}}, {{ip}} and {{hostname}}, as
-- dhcp.bootfile.ipxe does. ALTER TABLE keeps the profiles_gen_* triggers,
-- so setting one of these bumps the generation like any other edit.

ALTER TABLE profiles
	ADD COLUMN bootfile_bios VARCHAR(1024) NULL,
	ADD COLUMN bootfile_efi64 VARCHAR(1024) NULL,
	ADD COLUMN bootfile_arm64 VARCHAR(1024) NULL,
	ADD COLUMN bootfile_ipxe VARCHAR(1024) NULL;
