"""CkanClient against a local HTTP server that misbehaves on purpose (429, 5xx, drops)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalog.ckan.client import CkanClient, CkanError

TOKEN = "secret-token-abc123"


class Script:
    """Responses to serve in order: (status, headers, body dict or text)."""

    def __init__(self, responses):
        self.responses = list(responses)
        self.seen = []


@pytest.fixture
def server():
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            script.seen.append((self.path, self.headers.get("Authorization"), body))
            status, headers, payload = script.responses.pop(0)
            if status == "drop":
                self.connection.close()
                return
            data = payload if isinstance(payload, str) else json.dumps(payload)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data.encode())

        do_GET = do_POST

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", script
    httpd.shutdown()


OK = (200, {}, {"success": True, "result": {"id": "x", "name": "n"}})


def client(url, sleeps):
    return CkanClient(url, TOKEN, retries=3, backoff=0.01, sleep=sleeps.append)


def test_read_retries_on_429_honouring_retry_after(server):
    url, script = server
    script.responses = [(429, {"Retry-After": "7"}, "slow down"), OK]
    sleeps = []
    c = client(url, sleeps)
    assert c.call("package_show", {"id": "n"})["name"] == "n"
    assert sleeps == [7.0] and c.stats.retries == 1 and c.stats.reads == 2


def test_read_retries_on_5xx_with_growing_jittered_backoff(server):
    url, script = server
    script.responses = [(502, {}, "bad gateway"), (503, {}, "x"), OK]
    sleeps = []
    c = client(url, sleeps)
    c.call("package_search", {})
    assert len(sleeps) == 2 and 0.005 <= sleeps[0] <= 0.01 and 0.01 <= sleeps[1] <= 0.02


def test_read_gives_up_after_retries_with_a_clean_error(server):
    url, script = server
    script.responses = [(500, {}, "boom")] * 4
    with pytest.raises(CkanError) as info:
        client(url, []).call("package_show", {"id": "n"})
    assert info.value.status == 500 and TOKEN not in str(info.value)


def test_write_500_is_maybe_done_and_rechecked_before_retry(server):
    url, script = server
    script.responses = [(500, {}, "indexing failed"), OK]
    c = client(url, [])
    checks = []
    result = c.write_with_retry("package_create", {"name": "n"}, done=lambda: checks.append(1) or {"id": "found"})
    assert result == {"id": "found"} and checks == [1] and c.stats.writes == 1


def test_write_500_not_done_is_retried(server):
    url, script = server
    script.responses = [(500, {}, "x"), OK]
    c = client(url, [])
    assert c.write_with_retry("package_create", {"name": "n"}, done=lambda: None)["id"] == "x"
    assert c.stats.writes == 2


def test_write_429_is_retried_directly(server):
    url, script = server
    script.responses = [(429, {"Retry-After": "1"}, "x"), OK]
    sleeps = []
    c = client(url, sleeps)
    assert c.call("package_patch", {"id": "n"})["id"] == "x" and sleeps == [1.0]


def test_validation_error_is_not_retried_and_keeps_field_errors(server):
    url, script = server
    script.responses = [(409, {}, {"success": False, "error": {"__type": "Validation Error",
                                                                "maintainer_email": ["bad"]}})]
    with pytest.raises(CkanError) as info:
        client(url, []).call("package_create", {"name": "n"})
    assert info.value.status == 409 and "maintainer_email" in str(info.value)


def test_token_is_sent_as_authorization_and_never_in_errors(server):
    url, script = server
    script.responses = [(403, {}, {"success": False, "error": {"__type": "Authorization Error",
                                                                "message": f"token {TOKEN} refused"}})]
    with pytest.raises(CkanError) as info:
        client(url, []).call("package_create", {})
    assert script.seen[0][1] == TOKEN
    assert TOKEN not in str(info.value)


def test_dropped_connection_on_write_is_maybe_done(server):
    url, script = server
    script.responses = [("drop", {}, ""), OK]
    c = client(url, [])
    assert c.write_with_retry("resource_create", {}, done=lambda: {"id": "already"}) == {"id": "already"}
