"""A small real SMTP server for tests: records what it accepts, can refuse with 451 first."""

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    messages: list[str] = field(default_factory=list)
    attempts: int = 0
    #: answer this many DATA commands with "451 try again later" before accepting
    fail_first: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test-smtp ready")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-test-smtp")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                body = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body.append(chunk.decode(errors="replace"))
                with self.mailbox.lock:
                    self.mailbox.attempts += 1
                    refuse = self.mailbox.attempts <= self.mailbox.fail_first
                    if not refuse:
                        self.mailbox.messages.append("".join(body))
                self.reply("451 4.3.0 try again later" if refuse else "250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command unknown")


class SMTPServer:
    """`with SMTPServer() as server:` listens on 127.0.0.1:`server.port` in a thread."""

    def __init__(self, fail_first: int = 0) -> None:
        self.mailbox = Mailbox(fail_first=fail_first)
        handler = type("Handler", (_Handler,), {"mailbox": self.mailbox})
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]

    def __enter__(self) -> "SMTPServer":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
