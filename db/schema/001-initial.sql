-- bootd schema version 1: inventory, generation counter, events.
-- Applied by `bootd db migrate`; statements end with ';' at end of line.

CREATE TABLE IF NOT EXISTS schema_version (
	version INT NOT NULL PRIMARY KEY,
	applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

-- One row; bumped by triggers on every change to the inventory tables.
CREATE TABLE generation (
	id TINYINT NOT NULL PRIMARY KEY DEFAULT 1,
	gen BIGINT UNSIGNED NOT NULL DEFAULT 1,
	CONSTRAINT generation_one_row CHECK (id = 1)
) ENGINE=InnoDB;
INSERT INTO generation (id, gen) VALUES (1, 1);

CREATE TABLE profiles (
	name VARCHAR(64) NOT NULL PRIMARY KEY,
	kind ENUM('diskless', 'install', 'local') NOT NULL DEFAULT 'install',
	kernel VARCHAR(1024) NULL,
	initrd VARCHAR(1024) NULL,
	append TEXT NULL,
	kickstart VARCHAR(255) NULL,
	menu_label VARCHAR(255) NULL,
	selectable TINYINT(1) NOT NULL DEFAULT 0
) ENGINE=InnoDB;

-- No foreign keys: bootd validates every row itself and rejects bad ones one
-- by one, so one bad row never blocks an admin's other edits.
CREATE TABLE hosts (
	id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	hostname VARCHAR(253) NOT NULL,
	mac VARCHAR(64) NOT NULL,
	ip VARCHAR(64) NOT NULL,
	profile VARCHAR(64) NOT NULL,
	enabled TINYINT(1) NOT NULL DEFAULT 1,
	build TINYINT(1) NOT NULL DEFAULT 1,
	dom0 VARCHAR(253) NULL,
	vdisk VARCHAR(1024) NULL,
	memory_mb INT UNSIGNED NULL,
	vcpus INT UNSIGNED NULL,
	updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
		ON UPDATE CURRENT_TIMESTAMP,
	UNIQUE KEY hosts_hostname (hostname),
	UNIQUE KEY hosts_mac (mac),
	UNIQUE KEY hosts_ip (ip),
	KEY hosts_dom0 (dom0)
) ENGINE=InnoDB;

CREATE TABLE host_vars (
	hostname VARCHAR(253) NOT NULL,
	name VARCHAR(64) NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (hostname, name)
) ENGINE=InnoDB;

CREATE TABLE boot_events (
	id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	ts TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	mac VARCHAR(17) NULL,
	hostname VARCHAR(253) NULL,
	stage VARCHAR(64) NOT NULL,
	detail VARCHAR(1024) NULL,
	KEY boot_events_mac (mac, ts),
	KEY boot_events_host (hostname, ts)
) ENGINE=InnoDB;

CREATE TABLE discovered (
	mac VARCHAR(17) NOT NULL PRIMARY KEY,
	first_seen TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
	last_seen TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
	arch SMALLINT UNSIGNED NULL,
	vendor_class VARCHAR(255) NULL,
	relay VARCHAR(15) NULL
) ENGINE=InnoDB;

-- MACs are accepted as aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff in any case and
-- stored canonical (lowercase, colons).
CREATE TRIGGER hosts_mac_ins BEFORE INSERT ON hosts FOR EACH ROW SET NEW.mac = LOWER(REPLACE(TRIM(NEW.mac), '-', ':'));
CREATE TRIGGER hosts_mac_upd BEFORE UPDATE ON hosts FOR EACH ROW SET NEW.mac = LOWER(REPLACE(TRIM(NEW.mac), '-', ':'));

CREATE TRIGGER hosts_gen_ins AFTER INSERT ON hosts FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER hosts_gen_upd AFTER UPDATE ON hosts FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER hosts_gen_del AFTER DELETE ON hosts FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER profiles_gen_ins AFTER INSERT ON profiles FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER profiles_gen_upd AFTER UPDATE ON profiles FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER profiles_gen_del AFTER DELETE ON profiles FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER host_vars_gen_ins AFTER INSERT ON host_vars FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER host_vars_gen_upd AFTER UPDATE ON host_vars FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
CREATE TRIGGER host_vars_gen_del AFTER DELETE ON host_vars FOR EACH ROW UPDATE generation SET gen = gen + 1 WHERE id = 1;
