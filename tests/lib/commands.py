#!/usr/bin/env python3
# Prints, one a line and sorted, the words that stand where a shell script
# runs a command: first word of a line or of a pipeline/list element, of a
# $( ) or ` `, after then/do/else/if/while/until/!, and behind the wrappers
# exec, timeout N, env, xargs, nsenter, setpriv, chroot DIR, ip netns exec
# NS, CC=... assignments. Heredoc bodies are text, not commands, and are
# passed over, and so is quoted text but for the $( ) inside double
# quotes. A superset: the caller keeps the words that are
# programs on the machine (type -P), so shell functions, heredoc text and
# keywords fall away.  Usage: commands.py FILE...
import re
import sys

SPLIT = re.compile(r'\$\(|`|\|\||&&|[;|&(]|\b(?:then|do|else|elif|if|while|until)\b|!')
HEREDOC = re.compile(r'<<-?\s*[\'"]?([A-Za-z_][A-Za-z0-9_]*)[\'"]?')
SQUOTED = re.compile(r"'[^']*'")
DQUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
SUBST = re.compile(r'\$\(([^()]*)\)')
WORD = re.compile(r'^[a-z][a-z0-9._+-]*$')
WRAPPERS = {'exec', 'env', 'xargs', 'nsenter', 'setpriv', 'command', 'sudo',
            'nohup', 'stdbuf', 'nice', 'time'}


def first_command(seg):
    words = seg.split()
    i = 0
    while i < len(words):
        w = words[i]
        if re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', w):     # VAR=value
            i += 1
        elif w in WRAPPERS:
            i += 1
            while i < len(words) and words[i].startswith('-'):
                i += 1
        elif w == 'timeout':
            i += 2 if i + 1 < len(words) and words[i + 1][:1].isdigit() else 1
        elif w == 'chroot':
            i += 2
        elif w == 'ip' and words[i + 1:i + 3] and words[i + 1] == 'netns' \
                and len(words) > i + 2 and words[i + 2] == 'exec':
            i += 4
        else:
            return w if WORD.match(w) else None
    return None


def main():
    found = set()
    for path in sys.argv[1:]:
        with open(path, encoding='utf-8', errors='replace') as f:
            until = None
            for line in f:
                if until is not None:
                    if line.strip() == until:
                        until = None
                    continue
                line = re.sub(r'(^|\s)#.*', '', line)
                line = SQUOTED.sub(' Q ', line)
                # A quoted word stays a word (Q): `ip -n "$NS" route` is ip.
                line = DQUOTED.sub(
                    lambda q: ' Q' + ''.join(' ; %s ; Q' % c for c in
                                             SUBST.findall(q.group(0))) + ' ',
                    line)
                m = HEREDOC.search(line)
                if m:
                    until = m.group(1)
                for seg in SPLIT.split(line):
                    w = first_command(seg or '')
                    if w:
                        found.add(w)
    for w in sorted(found):
        print(w)


main()
