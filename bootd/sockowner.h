/* SPDX-License-Identifier: ISC */
/*
 * sockowner: who holds a local port, for the one line bootd writes when
 * it cannot bind ("held by pid 812 (bootd)"). Reads /proc/net/{udp,tcp}
 * and /proc/<pid>/fd of the caller's network namespace; start-up only.
 */
#ifndef BOOTD_SOCKOWNER_H
#define BOOTD_SOCKOWNER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Pure: one line of /proc/net/udp or /proc/net/tcp. Returns 1 and sets
 * *inode when the line is a socket bound to local port (any address; for
 * TCP only a listener), 0 for any other line, the header included.
 */
int	sockowner_parse(const char *line, int tcp, unsigned int port,
	    unsigned long *inode);

/*
 * Finds a process holding local port (UDP, or a TCP listener): its pid
 * and name (/proc/<pid>/comm) into comm. Returns 1 when found, 0 when
 * not (another user's process, as seen by an unprivileged caller, is
 * not found), -1 when /proc cannot be read.
 */
int	sockowner_find(int tcp, unsigned int port, pid_t *pid, char *comm,
	    size_t commlen);

/*
 * Appends to msg (a NUL-terminated start-up error of msglen bytes) who
 * holds port: "; held by another bootd (pid 812): one instance per
 * port", or "; held by pid 77 (dnsmasq)". When no holder is found,
 * appends "; held by another process (another bootd?)" if inuse (the
 * bind failed with EADDRINUSE), else nothing.
 */
void	sockowner_explain(char *msg, size_t msglen, int tcp, unsigned int port,
	    int inuse);

#endif
