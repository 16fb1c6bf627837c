"""Split goroutine dumps into blocks and compare them.

Used by the test drivers: a dump is what runtime.Stack(all) or a SIGQUIT
crash prints, goroutines separated by blank lines, each starting with a
"goroutine N ...:" header.
"""
import re

HEADER = re.compile(r'^goroutine (\d+)( gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]( \{.*\})?:$')
MINUTES = re.compile(r', \d+ minutes')


def blocks(text):
    """Map goroutine id -> list of lines (header first)."""
    out, cur = {}, None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            cur = []
            out[int(m.group(1))] = cur
        elif not line.strip() or line.startswith(('SIGQUIT', 'PC=', 'r', 'exit status')) and cur is None:
            if not line.strip():
                cur = None
            continue
        if cur is not None:
            cur.append(line)
    return out


def status(block):
    m = HEADER.match(block[0])
    return m.group(3) if m else ''


def normalize(block):
    """The block with the wait time left out of the header."""
    return [MINUTES.sub('', block[0])] + block[1:]


def diff(want, got, limit=40):
    import difflib
    lines = list(difflib.unified_diff(want, got, 'target', 'goinspect', lineterm=''))
    return lines[:limit]
