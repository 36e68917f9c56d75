#!/usr/bin/env python3
"""Builds a Wikimedia-style multistream dump (the header, then 100 pages per bzip2 stream, then the footer, each
stream compressed on its own and the streams concatenated) by repeating the pages of a dump until its XML holds at
least MIN_MB megabytes. Usage: wikidump_build.py SOURCE.xml.bz2 OUT.xml.bz2 [MIN_MB]  (also writes OUT's single-stream
twin OUT.single.bz2 when SINGLE=1)."""
import bz2
import os
import re
import sys

src, out = sys.argv[1], sys.argv[2]
min_bytes = int(float(sys.argv[3] if len(sys.argv) > 3 else 60) * 1e6)
xml = bz2.open(src, "rb").read()
first = xml.index(b"  <page>")
head = xml[:first]
last = xml.rindex(b"</page>") + len(b"</page>\n")
foot = xml[last:]
pages = re.findall(rb"  <page>.*?</page>\n", xml[first:last], re.S)
streams = [head]
size = len(head) + len(foot)
rep = 0
while size < min_bytes:
    for i in range(0, len(pages), 100):
        chunk = b"".join(pages[i:i + 100])
        if rep:  # distinct titles per repetition
            chunk = re.sub(rb"<title>(.*?)</title>", lambda m: b"<title>" + m.group(1) + b" (" + str(rep).encode()
                           + b")</title>", chunk)
        streams.append(chunk)
        size += len(chunk)
    rep += 1
streams.append(foot)
with open(out, "wb") as f:
    for s in streams:
        f.write(bz2.compress(s, 9))
if os.environ.get("SINGLE") == "1":
    with open(out + ".single.bz2", "wb") as f:
        f.write(bz2.compress(b"".join(streams), 9))
print(f"{out}: {len(streams)} streams, {size / 1e6:.1f} MB of XML, {rep} repetitions of {len(pages)} pages",
      file=sys.stderr)
