"""Every tunable number, name and marker in one place."""

from __future__ import annotations

TOOL_NAME = "masking-reviewer"
PROJECT_URL = "https://github.com/masking-reviewer/masking-reviewer"
CONFIG_TABLE = "masking-reviewer"  # [tool.masking-reviewer] in pyproject.toml
CONFIG_FILE = ".masking-reviewer.toml"  # wins over pyproject.toml
DEFAULT_RULES_FILE = "masking_rules.json"
DEFAULT_LABELS = ("ColumnVisibility.MASKED", "ColumnVisibility.PRIVATE")
DEFAULT_BASE_REFS = ("origin/main", "origin/master", "main", "master")
# an `external-bases` key (config schema, MR007 suggestions): a qualified name whose parts
# after the first may be called, "pkg.make_base()", "pkg.Database().Model"
EXTERNAL_NAME = r"[A-Za-z_]\w*(\.[A-Za-z_]\w*(\(\))?)+"

CACHE_DIR_ENV = "MASKING_REVIEWER_CACHE_DIR"
# Bump whenever the scanner's per-file facts, their JSON encoding or its messages change, or
# the inventory's JSON encoding (reviewer.cache).
CACHE_SCHEMA = 30
# Below this many bytes of uncached model files (~0.2 s of parsing), a worker process costs
# more than it saves.
SCAN_PARALLEL_MIN_BYTES = 100_000
# Whole-inventory cache entries kept (least recently used pruned): base and head of a few
# branches. Per-file entries are small and kept.
INVENTORY_CACHE_ENTRIES = 16
# parsed TOML documents (the shipped vocabulary, configurations): a few KB each
TOML_CACHE_ENTRIES = 64

RULES_SCHEMA_VERSION = 1
JSON_OUTPUT_VERSION = 1

# Exit codes (bandit's convention)
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3  # a crash: the gate fails closed, and it is not the user's misuse

# GitHub limits (see ARCHITECTURE.md / shared reference)
MAX_INLINE_COMMENTS = 30
MAX_COMMENT_CHARS = 65_536
MAX_CHECK_OUTPUT_CHARS = 65_535
MAX_ANNOTATIONS_PER_TYPE = 10
MAX_STEP_SUMMARY_BYTES = 1024 * 1024
SARIF_MAX_RESULTS = 25_000  # code scanning's limit on results per run
FINGERPRINT_MARKER = "<!-- masking-reviewer:fp={fp} -->"
SUMMARY_MARKER = "<!-- masking-reviewer:summary -->"
# One per review POST, so a retry can tell whether the failed attempt created the review.
REVIEW_MARKER = "<!-- masking-reviewer:review={token} -->"
MARKER_PREFIX = "<!-- masking-reviewer:"
GITHUB_RETRY_TOTAL_SECONDS = 120.0

# AI layer
# the newest Sonnet the pinned SDK lists; claude-sonnet-4-5 retires on 2026-11-30
DEFAULT_MODEL = "claude-sonnet-5-5"
AI_MAX_TOKENS = 4096
AI_TIMEOUT_SECONDS = 30.0
# The whole AI step, retries and a hung connection included: then the gate reports as usual.
AI_RETRY_TOTAL_SECONDS = 30.0
# overrides AI_RETRY_TOTAL_SECONDS (CI, tests); a non-positive or non-numeric value gives a
# notice and the default
AI_RETRY_ENV = "MASKING_REVIEWER_AI_RETRY_SECONDS"
AI_MAX_REASON_CHARS = 500
# USD per million tokens (Sonnet-class list prices; an estimate for the cost line, not a bill)
AI_PRICE_PER_MTOK = {"input": 3.0, "output": 15.0, "cache_read": 0.30, "cache_write": 3.75}

# Hostile input: no file the reviewer reads may be larger than this (a PR can add a 2 GB
# "model"), and no JSON/TOML document may nest deeper (recursive parsers overflow the stack).
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_NESTING = 200
# The oldest Python the tool supports (pyproject's requires-python): the grammar that code read
# with the standard library's parser is read in, whatever Python runs the tool.
OLDEST_PYTHON = (3, 10)
