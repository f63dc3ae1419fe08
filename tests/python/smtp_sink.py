"""A real SMTP server (aiosmtpd) on 127.0.0.1 for the invitation tests and benchmark.

Every accepted message is written to DIR as NNNNNN.eml (write to a temporary name, then rename,
so a reader never sees half a file) before the server answers 250. With --delay the answer comes
that many seconds later: a client killed in that window has delivered a message it never heard
confirmed, the hardest case for resuming. --refuse ADDR answers 550 for that recipient.
--auth USER:PASSWORD requires that login (AUTH PLAIN/LOGIN, allowed without TLS on loopback).

Prints "port N" on stdout once listening; runs until killed."""
import argparse
import asyncio
import itertools
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out, delay, refuse):
        self.out = out
        self.delay = delay
        self.refuse = {a.lower() for a in refuse}
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        tmp = os.path.join(self.out, f".{n:06d}.tmp")
        with open(tmp, "wb") as f:
            f.write(f"X-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.out, f"{n:06d}.eml"))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def authenticator(expected):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == expected
        return AuthResult(success=ok, handled=False)
    return check


async def serve(handler, auth):
    loop = asyncio.get_running_loop()
    extra = {}
    if auth:
        user, _, password = auth.partition(":")
        extra = dict(authenticator=authenticator((user, password)), auth_required=True,
                     auth_require_tls=False)
    # Port 0: the system picks a free port; 32 MB messages.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="127.0.0.1", data_size_limit=32 * 1024 * 1024, **extra),
        host="127.0.0.1",
        port=0,
    )
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--delay", type=float, default=0.0)
    ap.add_argument("--refuse", action="append", default=[])
    ap.add_argument("--auth")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    try:
        asyncio.run(serve(Sink(a.dir, a.delay, a.refuse), a.auth))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
