/* SPDX-License-Identifier: ISC */
/*
 * doc_cli: `bootd render KIND HOST`, the document a host would get, printed
 * on stdout from the same code that serves it; HOST "default" with kind
 * pxelinux or grub: an unknown host's menu. Command-line only.
 */
#ifndef BOOTD_DOC_CLI_H
#define BOOTD_DOC_CLI_H

/* Returns the exit status: 0, 1 (not found, render error) or 2 (usage). */
int	cli_render(const char *config_path, const char *kind,
	    const char *host);

#endif
