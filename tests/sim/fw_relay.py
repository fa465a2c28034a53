#!/usr/bin/env python3
"""fw_relay.py PORT - QEMU guestfwd helper for tests/sim/run_firmware_net.sh.

QEMU's user-mode network spawns this once per guest TCP connection to the
forwarded address (guestfwd=tcp:10.0.2.100:443-cmd:...), with the guest's
byte stream on stdin and stdout. It connects to 127.0.0.1:PORT (the mock
clouds) - never anywhere else: the address is fixed here, only the port
comes from the command line - and copies bytes both ways until either side
closes. Standard library only.
"""
import os
import selectors
import socket
import sys


def main():
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.stderr.write("usage: fw_relay.py PORT\n")
        return 2
    port = int(sys.argv[1])
    if not 0 < port < 65536:
        sys.stderr.write("fw_relay.py: bad port\n")
        return 2
    up = socket.create_connection(("127.0.0.1", port), timeout=10)
    up.settimeout(None)
    fin, fout = sys.stdin.fileno(), sys.stdout.fileno()
    sel = selectors.DefaultSelector()
    sel.register(fin, selectors.EVENT_READ, "guest")
    sel.register(up, selectors.EVENT_READ, "mock")
    open_sides = 2
    while open_sides:
        for key, _ in sel.select():
            if key.data == "guest":
                data = os.read(fin, 65536)
                if not data:
                    sel.unregister(fin)
                    open_sides -= 1
                    try:
                        up.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                up.sendall(data)
            else:
                try:
                    data = up.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    return 0
                view = memoryview(data)
                while view:
                    n = os.write(fout, view)
                    view = view[n:]
    return 0


if __name__ == "__main__":
    sys.exit(main())
