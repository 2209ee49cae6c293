"""The sandbox's OAuth 2.0 provider given bodies no OAuth client sends: a multipart form with a
file, bytes that are not UTF-8. Each is a 400 the provider words, never a 500."""
from __future__ import annotations

import json

from oauth_util import GOOGLE_AUTH, GOOGLE_TOKEN, https
from sandbox_util import sandbox  # noqa: F401  (a fixture)


def test_a_multipart_authorization_request_with_a_file_is_read_without_its_file(sandbox):
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"redirect_uri\"; filename=\"x.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nhttp://127.0.0.1:9/\r\n--{boundary}\r\n"
            f"Content-Disposition: form-data; name=\"client_id\"\r\n\r\nmultipart-client\r\n--{boundary}--\r\n")
    status, _, page = https(sandbox, "POST", GOOGLE_AUTH, body.encode(),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400 and b"not a loopback address" in page      # the file is no redirect_uri


def test_a_form_that_is_not_utf8_is_invalid_request(sandbox):
    status, _, body = https(sandbox, "POST", GOOGLE_TOKEN, b"client_id=\xff&grant_type=authorization_code",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and json.loads(body)["error"] == "invalid_request"
    status, _, page = https(sandbox, "POST", GOOGLE_AUTH, b"client_id=\xff",
                            {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400
