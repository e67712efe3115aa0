/* SPDX-License-Identifier: ISC */
/*
 * sockowner: /proc/net/{udp,tcp} line -> socket inode (pure), and inode ->
 * the process holding it (a walk of /proc/<pid>/fd). Used once, when a
 * listener cannot bind; never on the event loop.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootd/sockowner.h"

#define SOCKOWNER_TCP_LISTEN	0x0A	/* include/net/tcp_states.h */

int
sockowner_parse(const char *line, int tcp, unsigned int port,
    unsigned long *inode)
{
	const char	*colon;
	char		*end, laddr[64], raddr[64];
	unsigned int	 lport, st;
	unsigned long	 ino;
	int		 n;

	/*
	 * "  3: 0100007F:0045 00000000:0000 07 00000000:00000000 00:00000000
	 * 00000000     0        0 12345 2 ..." (sl, local, remote, st,
	 * queues, timer, retrnsmt, uid, timeout, inode).
	 */
	n = sscanf(line, " %*u: %63s %63s %x %*x:%*x %*x:%*x %*x %*u %*u %lu",
	    laddr, raddr, &st, &ino);
	if (n != 4 || (colon = strrchr(laddr, ':')) == NULL ||
	    !isxdigit((unsigned char)colon[1]))
		return 0;
	lport = (unsigned int)strtoul(colon + 1, &end, 16);
	if (*end != '\0')
		return 0;
	if (lport != port || (tcp && st != SOCKOWNER_TCP_LISTEN) || ino == 0)
		return 0;
	*inode = ino;
	return 1;
}

/* The first inode of a socket on port in /proc/net/<proto>[6]. */
static int
sockowner_inode(int tcp, unsigned int port, unsigned long *inode)
{
	const char	*files[2];
	char		 line[512];
	FILE		*fp;
	int		 i, found = 0, opened = 0;

	files[0] = tcp ? "/proc/net/tcp" : "/proc/net/udp";
	files[1] = tcp ? "/proc/net/tcp6" : "/proc/net/udp6";
	for (i = 0; i < 2 && !found; i++) {
		if ((fp = fopen(files[i], "re")) == NULL)
			continue;
		opened = 1;
		while (!found && fgets(line, sizeof(line), fp) != NULL)
			found = sockowner_parse(line, tcp, port, inode);
		fclose(fp);
	}
	return opened ? found : -1;
}

/* 1 when one of pid's descriptors is socket:[inode]. */
static int
sockowner_pid_has(const char *pid, unsigned long inode)
{
	char		 dir[64], path[PATH_MAX], link[64], want[64];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 n;
	int		 found = 0;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(d);
	return found;
}

int
sockowner_find(int tcp, unsigned int port, pid_t *pid, char *comm,
    size_t commlen)
{
	unsigned long	 inode;
	struct dirent	*de;
	DIR		*d;
	FILE		*fp;
	char		 path[300], *p;
	int		 rc;

	if ((rc = sockowner_inode(tcp, port, &inode)) != 1)
		return rc;
	if ((d = opendir("/proc")) == NULL)
		return -1;
	rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    (pid_t)atol(de->d_name) == getpid() ||
		    !sockowner_pid_has(de->d_name, inode))
			continue;
		*pid = (pid_t)atol(de->d_name);
		snprintf(comm, commlen, "?");
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		if ((fp = fopen(path, "re")) != NULL) {
			if (fgets(comm, (int)commlen, fp) != NULL)
				comm[strcspn(comm, "\n")] = '\0';
			fclose(fp);
		}
		/* Any process names itself: keep the line printable. */
		for (p = comm; *p != '\0'; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';
		rc = 1;
	}
	closedir(d);
	return rc;
}

void
sockowner_explain(char *msg, size_t msglen, int tcp, unsigned int port,
    int inuse)
{
	char	comm[32];
	pid_t	pid;
	size_t	n = strlen(msg);

	if (n >= msglen)
		return;
	if (sockowner_find(tcp, port, &pid, comm, sizeof(comm)) != 1) {
		if (inuse)
			snprintf(msg + n, msglen - n, "; held by another "
			    "process (another bootd?)");
	}
	else if (strcmp(comm, "bootd") == 0)
		snprintf(msg + n, msglen - n, "; held by another bootd "
		    "(pid %ld): one instance per port", (long)pid);
	else
		snprintf(msg + n, msglen - n, "; held by pid %ld (%s)",
		    (long)pid, comm);
}
