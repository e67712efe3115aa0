-- Demo inventory: three diskless clients choosing between two kernel
-- releases at boot, one Xen dom0 with three guests installed by kickstart.
-- Profile "install" installs a dom0 (dom0.ks: its first boot installs the
-- guests in parallel); profile "guest" installs a guest (guest.ks).
-- templates/install.ks is the kickstart for a plain server.
-- Every profile uses the config's dhcp.bootfile.* here; one could set its
-- own, e.g. UPDATE profiles SET bootfile_efi64 = 'shimx64.efi' WHERE
-- name = 'install' (NULL or '' = the config's; see README, Schema).
INSERT INTO profiles (name, kind, kernel, initrd, append, kickstart, menu_label, selectable) VALUES
 ('diskless-6.1', 'diskless', 'kernels/6.1/vmlinuz', 'kernels/6.1/initrd.img',
  'root=/dev/nfs nfsroot={{tftp_server}}:/srv/nfsroot/6.1 ip={{ip}}::{{gateway}}:{{netmask}}:{{hostname}}::none ro quiet',
  NULL, 'Diskless, Linux 6.1', 1),
 ('diskless-6.6', 'diskless', 'kernels/6.6/vmlinuz', 'kernels/6.6/initrd.img',
  'root=/dev/nfs nfsroot={{tftp_server}}:/srv/nfsroot/6.6 ip={{ip}}::{{gateway}}:{{netmask}}:{{hostname}}::none ro quiet',
  NULL, 'Diskless, Linux 6.6', 1),
 ('install', 'install', 'installer/vmlinuz', 'installer/initrd.img',
  'inst.ks={{ks_url}} ip={{ip}}::{{gateway}}:{{netmask}}:{{hostname}}::none inst.text',
  'dom0.ks', 'Install Xen dom0 (kickstart)', 0),
 ('guest', 'install', 'installer/vmlinuz', 'installer/initrd.img',
  'inst.ks={{ks_url}} ip={{ip}}::{{gateway}}:{{netmask}}:{{hostname}}::none inst.text',
  'guest.ks', 'Install guest (kickstart)', 0);

INSERT INTO hosts (hostname, mac, ip, profile, build, dom0, vdisk, memory_mb, vcpus) VALUES
 ('node01', '52:54:00:00:01:01', '10.213.0.11', 'diskless-6.1', 0, NULL, NULL, NULL, NULL),
 ('node02', '52:54:00:00:01:02', '10.213.0.12', 'diskless-6.1', 0, NULL, NULL, NULL, NULL),
 ('node03', '52-54-00-00-01-03', '10.213.0.13', 'diskless-6.6', 0, NULL, NULL, NULL, NULL),
 ('dom0-01', '52:54:00:00:02:01', '10.213.0.21', 'install', 1, NULL, NULL, 65536, 16),
 ('vm01', '52:54:00:00:03:01', '10.213.0.31', 'guest', 1, 'dom0-01', '/dev/vg0/vm01', 2048, 2),
 ('vm02', '52:54:00:00:03:02', '10.213.0.32', 'guest', 1, 'dom0-01', '/dev/vg0/vm02', 4096, 2),
 ('vm03', '52:54:00:00:03:03', '10.213.0.33', 'guest', 1, 'dom0-01', '/dev/vg0/vm03', 2048, 1);

INSERT INTO host_vars (hostname, name, value) VALUES
 ('dom0-01', 'bridge', 'xenbr0'),
 ('dom0-01', 'rootpw_hash', '$6$demo$notarealhash'),
 ('vm01', 'rootpw_hash', '$6$demo$notarealhash');
