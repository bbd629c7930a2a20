#!/usr/bin/env python3
"""A test SMTP server on loopback (aiosmtpd): saves every message it accepts as
DIR/NNNN.eml, prints "ready PORT" once it listens, and runs until killed.

    python3 tools/smtp_sink.py --port 2525 --dir /tmp/mails
"""
import argparse
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(self.folder, "%04d.eml" % self.count)
        # Written whole under a temporary name, so a reader never sees half a message.
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Save(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready %d" % args.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
