"""gdc validate --fetch: remote tables validated like files, never from internal addresses."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import DATASET

CSV = "province,year_be\nเชียงใหม่,2566\nน่าน,สองพัน\n".encode("utf-8")
SCHEMA = json.dumps({"fields": [{"name": "province", "type": "string"}, {"name": "year_be", "type": "integer"}]})


@pytest.fixture
def server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/data.csv")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(CSV)))
            self.end_headers()
            self.wfile.write(CSV)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def catalog_with_link(factory, url):
    text = DATASET.replace("path: data.csv\n    format: CSV", f"url: {url}\n    format: CSV\n    schema: schema.json")
    path = factory.dataset(text=text)
    (path.parent / "schema.json").write_text(SCHEMA, encoding="utf-8")
    return factory.catalog


def codes(gdc, *args):
    result = gdc("validate", "--format", "json", *args)
    return result.exit_code, json.loads(result.output)["findings"]


def test_without_fetch_a_link_is_noted_not_read(factory, gdc, server):
    code, found = codes(gdc, str(catalog_with_link(factory, f"{server}/data.csv")))
    assert code == 0 and [f["code"] for f in found] == ["URL_NOT_FETCHED"]


def test_loopback_is_refused_without_allow_private(factory, gdc, server):
    code, found = codes(gdc, "--fetch", str(catalog_with_link(factory, f"{server}/data.csv")))
    assert code == 1 and [f["code"] for f in found] == ["FETCH_PRIVATE_ADDRESS"]
    assert found[0]["params"]["address"] == "127.0.0.1" and found[0]["file"].endswith("dataset.yaml")


def test_fetched_table_is_validated_with_row_and_column(factory, gdc, server):
    url = f"{server}/redirect"
    code, found = codes(gdc, "--fetch", "--allow-private", str(catalog_with_link(factory, url)))
    [f] = [f for f in found if f["code"] == "TABLE_TYPE_ERROR"]
    assert code == 1 and f["file"] == url and f["row"] == 3 and f["field"] == "year_be"


def test_size_cap(factory, gdc, server):
    code, found = codes(gdc, "--fetch", "--allow-private", "--max-bytes", "10",
                        str(catalog_with_link(factory, f"{server}/data.csv")))
    assert [f["code"] for f in found] == ["FETCH_TOO_LARGE"] and code == 0


def test_redirect_to_a_private_address_is_refused():
    from catalog.fetch import FetchError, FetchOptions, _check_host

    with pytest.raises(FetchError) as info:
        _check_host("http://10.0.0.8/data.csv", FetchOptions())
    assert info.value.code == "FETCH_PRIVATE_ADDRESS"
    with pytest.raises(FetchError) as info:
        _check_host("ftp://example.go.th/data.csv", FetchOptions())
    assert info.value.code == "FETCH_SCHEME"
