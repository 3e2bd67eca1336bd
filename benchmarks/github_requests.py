"""REST requests one ``reviewer github`` posting run makes, against the fake GitHub.

    python benchmarks/github_requests.py

Counts, not times: the fake (tests/fake_github.py) answers like GitHub, including leaving
``in_reply_to_id`` out of top-level comments. Each case posts a review of 3 new findings to a
pull request that already carries N comments by other people (a quarter of them replies),
optionally with the review POST answering 502 after GitHub created the review. The budget is
12 requests per run plus one per extra page of a listing (100 items a page).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewer.github.client import RetryPolicy, connect  # noqa: E402
from reviewer.github.poster import post_review  # noqa: E402
from reviewer.types import Finding, Review, Rule  # noqa: E402
from tests.fake_github import FakeGitHub, hunks_from_patch  # noqa: E402

HEAD, BASE, TOKEN = "a" * 40, "b" * 40, "ghs_benchmarkToken0123456789"
PATH = "app/models/netsuite.py"
PATCH = (f"diff --git a/{PATH} b/{PATH}\nnew file mode 100644\n--- /dev/null\n+++ b/{PATH}\n"
         "@@ -0,0 +1,40 @@\n" + "".join(f"+line {i}\n" for i in range(1, 41)))
POLICY = RetryPolicy(total_seconds=10.0, max_wait=0.01, write_interval=0.0)


def review() -> Review:
    findings = tuple(
        Finding("MR003", "error", f"netsuite.secret_{n} has no rule.", PATH, n + 1,
                table="netsuite", column=f"secret_{n}", rule=Rule("netsuite", f"secret_{n}",
                                                                  "null"),
                action="add", in_hunk=True)
        for n in range(3)
    )
    return Review(findings=findings, blocking=True, base=BASE, head=HEAD)


def run(existing: int, fail: bool) -> tuple[int, int, int, int]:
    """(requests, extra pages, reviews created, GETs of single comments)."""
    with FakeGitHub(head_sha=HEAD, base_sha=BASE, hunks=hunks_from_patch(PATCH),
                    token=TOKEN) as fake:
        for i in range(existing):
            if i % 4 == 1:
                parent = fake.state.review_comments[-1]["id"]
                fake.add_review_comment("done", path=PATH, line=2, login="dev",
                                        user_type="User", in_reply_to_id=parent)
            else:
                fake.add_review_comment(f"nit {i}", path=PATH, line=2, login="alice",
                                        user_type="User")
        if fail:
            fake.fail_after_effect("POST", "/pulls/7/reviews", status=502)
        gh = connect(fake.base_url, TOKEN, policy=POLICY)
        try:
            post_review(gh, "acme/shop", 7, review(), head_sha=HEAD, base_sha=BASE,
                        policy=POLICY, token=TOKEN)
        finally:
            gh.close()
        reqs = fake.state.requests
        pages = sum(1 for r in reqs if r.method == "GET" and r.query.get("page", ["1"]) != ["1"])
        singles = sum(1 for r in reqs if r.method == "GET" and "/pulls/comments/" in r.path)
        return len(reqs), pages, len(fake.state.reviews), singles


def main() -> int:
    print("| existing comments | review POST | requests | extra pages | budget | reviews "
          "created | per-comment GETs |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    ok = True
    for existing in (0, 45, 200, 450):
        for fail in (False, True):
            count, pages, reviews, singles = run(existing, fail)
            budget = 12 + pages
            ok = ok and count <= budget and reviews == 1 and singles == 0
            print(f"| {existing} | {'502 after it took effect' if fail else 'ok'} | {count} | "
                  f"{pages} | {budget} | {reviews} | {singles} |")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
