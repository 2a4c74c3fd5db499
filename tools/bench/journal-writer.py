"""Writes systemd unit state entries to a journald native socket at a steady rate.

usage: journal-writer.py SOCKET RATE SECONDS UNIT_PREFIX
Each entry is what systemd logs for "Started <unit>" (MESSAGE_ID of a finished start job),
sent as one datagram of KEY=value lines (journald's native protocol). Prints the count sent.
"""
import socket
import sys
import time

path, rate, seconds, prefix = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
start = time.monotonic()
sent = 0
while True:
    now = time.monotonic() - start
    if now >= seconds:
        break
    due = int(now * rate) + 1
    while sent < due:
        unit = f"{prefix}-{sent % 50}.service"
        body = f"MESSAGE_ID=39f53479d3a045ac8e11786248231fbf\nUNIT={unit}\nMESSAGE=Started {unit} #{sent}.\nSYSLOG_IDENTIFIER=systemd\nPRIORITY=6\n"
        sock.sendto(body.encode(), path)
        sent += 1
    time.sleep(0.002)
print(sent)
