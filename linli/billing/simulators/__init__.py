"""Local stand-ins for the payment gateways, speaking their published protocols on loopback.

This network reaches neither WeChat Pay nor Alipay, so each adapter is proven against a simulator
that checks the adapter's signatures, signs its own answers with keys made at start, and sends
notifications the way the real server does. Used by tests/payments and, in DEBUG, by `make run`:

    sim = WeChatPaySimulator().start()
    config = sim.merchant_config(tmp_dir)   # PEM files written there, api_base = sim.base_url
    ...
    sim.stop()
"""

import html
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


@dataclass
class Request:
    method: str
    path: str  # with its query string, as signed
    route: str  # without it
    query: dict
    headers: dict  # names lower-cased
    body: bytes


@dataclass
class Delivery:
    """A notification the simulator sent and what the merchant's server answered."""

    url: str
    body: bytes
    headers: dict
    status: int
    answer: bytes


class KeyPair:
    """An RSA 2048 key pair made for this run only."""

    def __init__(self):
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = self.private_key.public_key()

    @property
    def private_pem(self) -> str:
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode()

    @property
    def public_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # InvalidSignature, or a signature of the wrong length
            return False
        return True


def write_pem(directory, name: str, text: str) -> str:
    path = Path(directory) / name
    path.write_text(text, encoding="ascii")
    path.chmod(0o600)
    return str(path)


class Simulator:
    """An HTTP server on 127.0.0.1 at a random port, in a daemon thread. Subclasses answer
    `handle(request) -> (status, headers, body)`; state is guarded by `lock` (one thread per request)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.deliveries: list[Delivery] = []
        self._server = None
        self._thread = None

    def start(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(self.command, self.path, parts.path, dict(parse_qsl(parts.query)),
                                  {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                status, headers, body = simulator.handle(request)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _serve

            def log_message(self, format, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval so that stop() (and each test's teardown) returns at once.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @cached_property
    def stranger(self) -> KeyPair:
        """A key that is nobody's: what a forger signs with."""
        return KeyPair()

    def handle(self, request: Request) -> tuple[int, dict, bytes]:
        raise NotImplementedError

    def deliver(self, url: str, body: bytes, headers: dict) -> Delivery:
        """POST a notification to the merchant's notify_url and record the answer."""
        outgoing = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(outgoing, timeout=10) as response:
                delivery = Delivery(url, body, headers, response.status, response.read())
        except urllib.error.HTTPError as exc:
            delivery = Delivery(url, body, headers, exc.code, exc.read())
        with self.lock:
            self.deliveries.append(delivery)
        return delivery


def pay_page(title: str, amount: str, action: str) -> bytes:
    """The payer's confirmation page a code_url / qr_code / H5 redirect opens in the simulator,
    so a browser test can 'scan and pay' on a phone-sized page."""
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title></head>
<body><h1>{html.escape(title)}</h1><p>金额 <strong id="amount">{html.escape(amount)}</strong> 元</p>
<form method="post" action="{html.escape(action)}"><button id="pay" type="submit">确认支付</button></form></body></html>""".encode()
