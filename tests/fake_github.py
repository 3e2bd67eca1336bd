"""A fake GitHub REST API on 127.0.0.1, good enough for the real PyGithub client.

It validates review comments the way GitHub does: a comment whose ``line``/``side`` lies
outside the pull request's diff hunks gets HTTP 422 and the *whole* review is rejected.
Hunks come from the real ``git diff`` of a repository (``hunks_from_git``) or a patch.
Every request is recorded so tests can assert exactly what was sent.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from unidiff.patch import PatchSet

API_PREFIX = "/api/v3"  # GitHub Enterprise style, as PyGithub's base_url expects
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
READ_ONLY_MESSAGE = "Resource not accessible by integration"

# path -> side -> list of inclusive (start, end) line ranges that GitHub accepts
Hunks = dict[str, dict[str, list[tuple[int, int]]]]


def hunks_from_patch(patch: str) -> Hunks:
    hunks: Hunks = {}
    for pf in PatchSet(patch):
        path = pf.path
        sides = hunks.setdefault(path, {"RIGHT": [], "LEFT": []})
        for h in pf:
            if h.target_length:
                sides["RIGHT"].append((h.target_start, h.target_start + h.target_length - 1))
            if h.source_length:
                sides["LEFT"].append((h.source_start, h.source_start + h.source_length - 1))
    return hunks


def hunks_from_git(root: str, base: str, head: str) -> Hunks:
    """The hunks GitHub shows for a PR: the three-dot diff base...head."""
    patch = subprocess.run(
        ["git", "diff", "--no-color", "--no-ext-diff", f"{base}...{head}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return hunks_from_patch(patch)


@dataclass
class Recorded:
    method: str
    path: str  # without the API prefix and query
    query: dict[str, list[str]]
    status: int
    body: Any
    authorization: str | None


@dataclass
class PullState:
    number: int
    head_sha: str
    base_sha: str
    state: str = "open"
    moved_head_sha: str | None = None  # head after the first GET of the pull
    gets: int = 0


@dataclass
class FakeState:
    owner: str
    repo: str
    pulls: dict[int, PullState]
    hunks: Hunks
    token: str
    bot_login: str = "github-actions[bot]"
    user_endpoint_login: str | None = None  # None: GET /user is 403, as for GITHUB_TOKEN
    read_only: bool = False
    failures: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    # (method, path fragment, status, message, headers): fails only the matching requests
    targeted_failures: list[tuple[str, str, int, str, dict[str, str]]] = field(
        default_factory=list
    )
    # (method, path fragment, status): the request takes effect, then the answer is an error,
    # as when a gateway times out after the server committed
    failures_after_effect: list[tuple[str, str, int]] = field(default_factory=list)
    # (method, path fragment, raw body): a 200 whose body is not JSON (a proxy's error page)
    malformed: list[tuple[str, str, bytes]] = field(default_factory=list)
    review_comments: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    issue_comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeGitHub:
    """``with FakeGitHub(...) as gh:`` then point PyGithub at ``gh.base_url``."""

    def __init__(
        self,
        *,
        head_sha: str,
        base_sha: str,
        hunks: Hunks,
        number: int = 7,
        owner: str = "acme",
        repo: str = "shop",
        token: str = "ghs_fakeTOKEN1234567890",  # noqa: S107 - a fake server's fake token
    ) -> None:
        self.state = FakeState(
            owner=owner,
            repo=repo,
            pulls={number: PullState(number, head_sha, base_sha)},
            hunks=hunks,
            token=token,
        )
        self.number = number
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def host(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return self.host + API_PREFIX

    # -- knobs ----------------------------------------------------------------------------
    def fail_next(self, count: int, kind: str, retry_after: str | None = "0") -> None:
        """Fail the next ``count`` requests: kind is "502", "429" or "secondary"."""
        status = {"502": 502, "429": 429, "secondary": 403}[kind]
        message = {
            "502": "Server Error",
            "429": "Too Many Requests",
            "secondary": SECONDARY_LIMIT_MESSAGE,
        }[kind]
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self.state.lock:
            self.state.failures.extend([(status, message, headers)] * count)

    def fail_next_matching(
        self, method: str, contains: str, count: int, kind: str, retry_after: str | None = "0"
    ) -> None:
        """Like ``fail_next``, but only for requests whose method and path match, so a test
        can fail exactly the review POST whatever reads come before it."""
        status, message = {
            "502": (502, "Server Error"),
            "429": (429, "Too Many Requests"),
            "secondary": (403, SECONDARY_LIMIT_MESSAGE),
        }[kind]
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        with self.state.lock:
            self.state.targeted_failures.extend(
                [(method, contains, status, message, headers)] * count
            )

    def fail_after_effect(self, method: str, contains: str, count: int = 1,
                          status: int = 502) -> None:
        """The next ``count`` matching requests do their work, then answer ``status``."""
        with self.state.lock:
            self.state.failures_after_effect.extend([(method, contains, status)] * count)

    def malformed_next_matching(self, method: str, contains: str, raw: bytes) -> None:
        """Answer the next matching request with a 200 whose body is ``raw``, not JSON."""
        with self.state.lock:
            self.state.malformed.append((method, contains, raw))

    def move_head_after_first_get(self, new_sha: str) -> None:
        self.state.pulls[self.number].moved_head_sha = new_sha

    # -- seeding and inspection -----------------------------------------------------------
    def add_review_comment(
        self, body: str, *, path: str, line: int, login: str | None = None,
        in_reply_to_id: int | None = None, user_type: str = "Bot",
    ) -> dict[str, Any]:
        with self.state.lock:
            return _new_review_comment(
                self, {"body": body, "path": path, "line": line, "side": "RIGHT"},
                review_id=None, login=login or self.state.bot_login,
                in_reply_to_id=in_reply_to_id, user_type=user_type,
            )

    def add_issue_comment(self, body: str, *, login: str | None = None) -> dict[str, Any]:
        with self.state.lock:
            return _new_issue_comment(self, body, login or self.state.bot_login)

    def calls(self, method: str | None = None, contains: str = "") -> list[Recorded]:
        return [
            r for r in self.state.requests
            if (method is None or r.method == method) and contains in r.path
        ]

    def statuses(self) -> list[int]:
        return [r.status for r in self.state.requests]

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _user(login: str, user_type: str = "Bot") -> dict[str, Any]:
    return {"login": login, "id": abs(hash(login)) % 10_000_000, "type": user_type}


def _repo_json(fake: FakeGitHub) -> dict[str, Any]:
    s = fake.state
    return {
        "id": 4242,
        "name": s.repo,
        "full_name": f"{s.owner}/{s.repo}",
        "owner": _user(s.owner, "Organization"),
        "private": True,
        "url": fake.url(f"/repos/{s.owner}/{s.repo}"),
        "html_url": f"https://github.example/{s.owner}/{s.repo}",
        "default_branch": "main",
    }


def _pull_json(fake: FakeGitHub, pull: PullState, head_sha: str) -> dict[str, Any]:
    s = fake.state
    repo_url = fake.url(f"/repos/{s.owner}/{s.repo}")
    return {
        "id": 90000 + pull.number,
        "number": pull.number,
        "state": pull.state,
        "title": "Add NetSuite connection",
        "url": f"{repo_url}/pulls/{pull.number}",
        "issue_url": f"{repo_url}/issues/{pull.number}",
        "html_url": f"https://github.example/{s.owner}/{s.repo}/pull/{pull.number}",
        "user": _user("dev", "User"),
        "head": {"sha": head_sha, "ref": "feature", "label": "dev:feature",
                 "repo": _repo_json(fake), "user": _user("dev", "User")},
        "base": {"sha": pull.base_sha, "ref": "main", "label": "acme:main",
                 "repo": _repo_json(fake), "user": _user(s.owner, "Organization")},
    }


def _new_review_comment(
    fake: FakeGitHub, c: dict[str, Any], *, review_id: int | None, login: str,
    in_reply_to_id: int | None = None, user_type: str = "Bot",
    commit_id: str | None = None,
) -> dict[str, Any]:
    s = fake.state
    s.next_id += 1
    cid = s.next_id
    repo_url = fake.url(f"/repos/{s.owner}/{s.repo}")
    comment = {
        "id": cid,
        "node_id": f"PRRC_{cid}",
        "pull_request_review_id": review_id,
        "body": c["body"],
        "path": c["path"],
        "line": c.get("line"),
        "side": c.get("side", "RIGHT"),
        "commit_id": commit_id or s.pulls[fake.number].head_sha,
        "user": _user(login, user_type),
        "url": f"{repo_url}/pulls/comments/{cid}",
        "html_url": f"https://github.example/{s.owner}/{s.repo}/pull/{fake.number}#r{cid}",
        "created_at": _now(),
        "updated_at": _now(),
    }
    if in_reply_to_id is not None:
        # GitHub sends the key only on replies; reading it from a top-level comment is what
        # makes PyGithub fetch that comment again (one GET per existing comment).
        comment["in_reply_to_id"] = in_reply_to_id
    s.review_comments.append(comment)
    return comment


def _new_issue_comment(fake: FakeGitHub, body: str, login: str) -> dict[str, Any]:
    s = fake.state
    s.next_id += 1
    cid = s.next_id
    comment = {
        "id": cid,
        "node_id": f"IC_{cid}",
        "body": body,
        "user": _user(login),
        "url": fake.url(f"/repos/{s.owner}/{s.repo}/issues/comments/{cid}"),
        "html_url": f"https://github.example/{s.owner}/{s.repo}/pull/{fake.number}#c{cid}",
        "created_at": _now(),
        "updated_at": _now(),
    }
    s.issue_comments.append(comment)
    return comment


def _anchor_ok(hunks: Hunks, c: dict[str, Any]) -> bool:
    if "position" in c or not isinstance(c.get("line"), int):
        return False
    side = c.get("side", "RIGHT")
    ranges = hunks.get(c.get("path", ""), {}).get(side, [])
    return any(lo <= c["line"] <= hi for lo, hi in ranges)


def _paginate(items: list[dict[str, Any]], query: dict[str, list[str]]) -> tuple[
    list[dict[str, Any]], int, int, int
]:
    per_page = min(int(query.get("per_page", ["30"])[0]), 100)
    page = int(query.get("page", ["1"])[0])
    last = max(1, -(-len(items) // per_page))
    return items[(page - 1) * per_page : page * per_page], page, last, per_page


def _make_handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out separately; no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def do_PATCH(self) -> None:
            self._handle("PATCH")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

        def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str) -> None:
            parts = urlsplit(self.path)
            path = parts.path.removeprefix(API_PREFIX)
            with fake.state.lock:
                bad = next((i for i, (m, contains, _) in enumerate(fake.state.malformed)
                            if m == method and contains in path), None)
                raw_reply = None if bad is None else fake.state.malformed.pop(bad)[2]
            if raw_reply is not None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw_reply)))
                self.end_headers()
                self.wfile.write(raw_reply)
                return
            query = parse_qs(parts.query)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            auth = self.headers.get("Authorization")
            with fake.state.lock:
                status, payload, headers = self._route(method, path, query, body, auth)
                pending = fake.state.failures_after_effect
                for i, (m, contains, code) in enumerate(pending):
                    if m == method and contains in path and status < 300:
                        del pending[i]
                        status, payload, headers = code, {"message": "Server Error"}, {}
                        break
                fake.state.requests.append(Recorded(method, path, query, status, body, auth))
            self._send(status, payload, headers)

        def _route(
            self, method: str, path: str, query: dict[str, list[str]], body: Any,
            auth: str | None,
        ) -> tuple[int, Any, dict[str, str]]:
            s = fake.state
            if s.failures:
                status, message, headers = s.failures.pop(0)
                return status, {"message": message}, headers
            for i, (m, contains, status, message, headers) in enumerate(s.targeted_failures):
                if m == method and contains in path:
                    del s.targeted_failures[i]
                    return status, {"message": message}, headers
            if auth != f"token {s.token}" and auth != f"Bearer {s.token}":
                return 401, {"message": "Bad credentials"}, {}
            if method != "GET" and s.read_only:
                return 403, {"message": READ_ONLY_MESSAGE}, {}
            if path == "/user":
                if s.user_endpoint_login is None:
                    return 403, {"message": READ_ONLY_MESSAGE}, {}
                return 200, _user(s.user_endpoint_login, "User"), {}
            prefix = f"/repos/{s.owner}/{s.repo}"
            if not path.startswith(prefix):
                return 404, {"message": "Not Found"}, {}
            rest = path.removeprefix(prefix).strip("/").split("/")
            if rest == [""] and method == "GET":
                return 200, _repo_json(fake), {}
            if rest[:1] == ["commits"] and len(rest) == 2 and method == "GET":
                return 200, {"sha": rest[1], "url": fake.url(f"{prefix}/commits/{rest[1]}")}, {}
            if rest[:1] == ["pulls"] and len(rest) >= 2 and rest[1].isdigit():
                return self._pull(method, int(rest[1]), rest[2:], query, body)
            if rest[:2] == ["pulls", "comments"] and len(rest) == 3:
                return self._edit(s.review_comments, method, int(rest[2]), body)
            if rest[:1] == ["issues"] and len(rest) == 3 and rest[2] == "comments":
                if method == "GET":
                    return self._page(s.issue_comments, query, path)
                if method == "POST":
                    return 201, _new_issue_comment(fake, body["body"], s.bot_login), {}
            if rest[:2] == ["issues", "comments"] and len(rest) == 3:
                return self._edit(s.issue_comments, method, int(rest[2]), body)
            return 404, {"message": "Not Found"}, {}

        def _page(
            self, items: list[dict[str, Any]], query: dict[str, list[str]], path: str
        ) -> tuple[int, Any, dict[str, str]]:
            chunk, page, last, per_page = _paginate(items, query)
            links = []
            if page < last:
                links.append(f'<{fake.url(path)}?per_page={per_page}&page={page + 1}>; rel="next"')
                links.append(f'<{fake.url(path)}?per_page={per_page}&page={last}>; rel="last"')
            return 200, chunk, {"Link": ", ".join(links)} if links else {}

        def _edit(
            self, items: list[dict[str, Any]], method: str, cid: int, body: Any
        ) -> tuple[int, Any, dict[str, str]]:
            for item in items:
                if item["id"] == cid:
                    if method == "PATCH":
                        item["body"] = body["body"]
                        item["updated_at"] = _now()
                        return 200, item, {}
                    if method == "DELETE":
                        items.remove(item)
                        return 204, None, {}
                    return 200, item, {}
            return 404, {"message": "Not Found"}, {}

        def _pull(
            self, method: str, number: int, rest: list[str], query: dict[str, list[str]],
            body: Any,
        ) -> tuple[int, Any, dict[str, str]]:
            s = fake.state
            pull = s.pulls.get(number)
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            path = f"/repos/{s.owner}/{s.repo}/pulls/{number}" + "".join(f"/{r}" for r in rest)
            if not rest and method == "GET":
                pull.gets += 1
                if pull.moved_head_sha and pull.gets > 1:
                    pull.head_sha = pull.moved_head_sha
                return 200, _pull_json(fake, pull, pull.head_sha), {}
            if rest == ["comments"] and method == "GET":
                return self._page(s.review_comments, query, path)
            if rest == ["reviews"] and method == "GET":
                return self._page(s.reviews, query, path)
            if rest == ["reviews"] and method == "POST":
                comments = body.get("comments") or []
                bad = [c for c in comments if not _anchor_ok(s.hunks, c)]
                if bad:
                    # GitHub rejects the whole review and does not say which comment was bad
                    return 422, {
                        "message": "Unprocessable Entity",
                        "errors": ["Line could not be resolved"],
                        "documentation_url": "https://docs.github.com/rest/pulls/reviews",
                    }, {}
                s.next_id += 1
                rid = s.next_id
                review = {
                    "id": rid,
                    "node_id": f"PRR_{rid}",
                    "user": _user(s.bot_login),
                    "body": body.get("body", ""),
                    "state": "COMMENTED",
                    "commit_id": body.get("commit_id", pull.head_sha),
                    "html_url": f"https://github.example/{s.owner}/{s.repo}/pull/{number}"
                    f"#pullrequestreview-{rid}",
                    "pull_request_url": fake.url(path.removesuffix("/reviews")),
                    "submitted_at": _now(),
                }
                s.reviews.append(review)
                for c in comments:
                    _new_review_comment(
                        fake, c, review_id=rid, login=s.bot_login,
                        commit_id=body.get("commit_id"),
                    )
                return 200, review, {}
            return 404, {"message": "Not Found"}, {}

    return Handler


def iter_bodies(items: list[dict[str, Any]]) -> Iterator[str]:
    for item in items:
        yield str(item.get("body") or "")


def write_pr_event(path: str, *, number: int, head: str, base: str, repo: str = "acme/shop",
                   head_repo: str | None = None) -> str:
    """A ``pull_request`` event payload with the fields the runner provides."""
    payload = {
        "action": "synchronize",
        "number": number,
        "pull_request": {
            "number": number,
            "state": "open",
            "head": {"sha": head, "ref": "feature", "repo": {"full_name": head_repo or repo}},
            "base": {"sha": base, "ref": "main", "repo": {"full_name": repo}},
        },
        "repository": {"full_name": repo},
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh)
    return path


def actions_env(fake: FakeGitHub, *, workspace: str, event_path: str, tmp: str,
                event_name: str = "pull_request") -> dict[str, str]:
    """The variables the Actions runner sets, pointed at the fake, with retries shrunk."""
    import os

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    env.update({
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": event_path,
        "GITHUB_REPOSITORY": f"{fake.state.owner}/{fake.state.repo}",
        "GITHUB_API_URL": fake.base_url,
        "GITHUB_WORKSPACE": workspace,
        "GITHUB_STEP_SUMMARY": f"{tmp}/step_summary.md",
        "GITHUB_OUTPUT": f"{tmp}/github_output",
        "RUNNER_TEMP": tmp,
        "MASKING_REVIEWER_GITHUB_RETRY_TOTAL": "5",
        "MASKING_REVIEWER_GITHUB_MAX_WAIT": "0.01",
        "MASKING_REVIEWER_GITHUB_WRITE_INTERVAL": "0",
    })
    for name in ("step_summary.md", "github_output"):
        open(f"{tmp}/{name}", "w").close()
    return env


def read_outputs(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh.read().splitlines():
            name, sep, value = line.partition("=")
            if sep:
                out[name] = value
    return out
