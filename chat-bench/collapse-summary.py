#!/usr/bin/env python3
"""Summarises async-profiler collapsed stacks (chat-bench/run --profile RATE): the share of
CPU samples by thread kind, and the heaviest frames of Porchlight's own code and of what it
calls. Usage: collapse-summary.py FILE [TOP]"""
import collections, re, sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
total = 0
by_thread = collections.Counter()
self_frames = collections.Counter()
own = collections.Counter()
for line in open(path):
    stack, _, count = line.rstrip().rpartition(' ')
    count = int(count)
    total += count
    frames = stack.split(';')
    thread = re.sub(r'\d+', 'N', frames[0].strip('[]')) if frames[0].startswith('[') else 'java'
    by_thread[thread] += count
    self_frames[frames[-1]] += count
    # The innermost frame of Porchlight's code, else of a known library.
    mine = [f for f in frames if 'porchlight' in f]
    own[mine[-1] if mine else 'outside Porchlight code: ' + (frames[1] if len(frames) > 1 else frames[0])] += count
print(f'{total} samples')
for title, counter in (('by thread', by_thread), ('innermost Porchlight frame', own), ('self (leaf) frame', self_frames)):
    print(f'\n== {title}')
    for name, count in counter.most_common(top):
        print(f'{100 * count / total:6.2f}%  {name[:150]}')
