"""Regression: a body over SSCMM_MAX_CONTENT_LENGTH was read whole before the 413. Flask
refuses it from the Content-Length, but waitress reads (and buffers, up to 1 GB) every
body before the app sees the request, so 100 MB announced were 100 MB received. waitress
now refuses a body over twice the limit from its Content-Length, unread; up to that size
the app answers (a problem document). Found by the attack tests (a 100 MB body)."""

import socket
from urllib.parse import urlsplit

import requests

from .service_support import SERVER_ENV, running

LIMIT = int(SERVER_ENV["SSCMM_MAX_CONTENT_LENGTH"])


def _first_bytes_of_the_answer(url, announced):
    """Announce a body of ``announced`` bytes, send 1,000 of them, and read the answer."""
    host, port = urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"POST /assess HTTP/1.1\r\nHost: sscmm\r\nContent-Type: text/turtle\r\n"
                           + f"Content-Length: {announced}\r\n\r\n".encode() + b"#" * 1000)
        return connection.recv(100)


def test_a_huge_body_is_refused_before_it_is_sent(tmp_path):
    with running(tmp_path / "data") as server:
        assert _first_bytes_of_the_answer(server.url, 100 * 1024 * 1024).startswith(b"HTTP/1.1 413 ")
        assert _first_bytes_of_the_answer(server.url, 2 * LIMIT + 1).startswith(b"HTTP/1.1 413 ")
        over = requests.post(server.url + "/assess", data=b"#" * (LIMIT + 1), headers={"Content-Type": "text/turtle"},
                             timeout=60)
        assert over.status_code == 413 and over.headers["Content-Type"] == "application/problem+json"
