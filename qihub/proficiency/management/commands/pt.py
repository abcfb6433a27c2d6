"""``qihub pt evaluate|homogeneity|stability FILE.json [--indent N]``: ISO 13528 statistics,
JSON in, JSON out, for PT providers' own tooling.

- ``evaluate``: ``{"results": [{"participant": "P01", "value": 1.69, "U": 0.1, "k": 2}, …],
  "sigma_pt": null | number | {"horwitz": c}, "assigned_value": null | number,
  "u_assigned": null | number, "method": "algorithm_a" | "q_hampel"}`` →
  ``{"assigned_value", "u_assigned", "robust_sd", "sigma_pt", "z_prime_required",
  "scores": [{"participant", "z", "z_prime", "zeta", "en", "z_class", "z_prime_class",
  "zeta_class", "en_class", "classification"}, …]}``.
- ``homogeneity``: ``{"samples": [[a1, a2], …], "sigma_pt": x}`` → ``{"general_mean", "s_x",
  "s_w", "s_s", "limit", "passed", "critical_value", "passed_extended"}``.
- ``stability``: ``{"first": […], "second": […], "sigma_pt": x}`` → ``{"mean_first",
  "mean_second", "difference", "limit", "passed"}``.

The answer is printed on stdout (always JSON). Exits 0 on success, 1 on bad input (unreadable
file, invalid JSON, missing keys, non-numeric values, too few results) with one line on stderr
naming the problem. The formulas and their clauses are in ``qihub/proficiency/statistics.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.proficiency.statistics import (
    METHODS,
    Method,
    StatisticsError,
    evaluate,
    homogeneity,
    stability,
)

MAX_INDENT = 8
EVALUATE_KEYS = {"results", "sigma_pt", "assigned_value", "u_assigned", "method"}


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=1)


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(f"{path}: cannot be read as UTF-8 text ({error})") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise _fail(
            f"{path}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except ValueError as error:
        raise _fail(f"{path}: {error}") from None
    if not isinstance(document, dict):
        raise _fail(f"{path}: expected a JSON object at the top level")
    return document


def _reject_constant(name: str) -> float:
    # json accepts NaN and Infinity, which are not JSON and never a measurement result.
    raise ValueError(f"{name} is not a valid number")


def _require(document: dict[str, Any], *keys: str) -> None:
    missing = [key for key in keys if key not in document]
    if missing:
        raise _fail("missing key(s): " + ", ".join(f'"{key}"' for key in missing))


def _evaluate(document: dict[str, Any]) -> dict[str, Any]:
    _require(document, "results")
    unknown = sorted(set(document) - EVALUATE_KEYS)
    if unknown:
        raise _fail("unknown key(s): " + ", ".join(f'"{key}"' for key in unknown))
    results = document["results"]
    if not isinstance(results, list):
        raise _fail('"results" must be an array of {"participant", "value", "U", "k"} objects')
    requested = document.get("method") or "algorithm_a"
    methods: dict[str, Method] = {method: method for method in METHODS}
    if not isinstance(requested, str) or requested not in methods:
        raise _fail(f'"method" must be one of {", ".join(METHODS)}, not {requested!r}')
    method = methods[requested]
    return evaluate(
        results,
        sigma_pt=document.get("sigma_pt"),
        assigned_value=document.get("assigned_value"),
        u_assigned=document.get("u_assigned"),
        method=method,
    ).as_dict()


def _homogeneity(document: dict[str, Any]) -> dict[str, Any]:
    _require(document, "samples", "sigma_pt")
    samples = document["samples"]
    if not isinstance(samples, list):
        raise _fail('"samples" must be an array of [a1, a2] pairs')
    return homogeneity(samples, document["sigma_pt"]).as_dict()


def _stability(document: dict[str, Any]) -> dict[str, Any]:
    _require(document, "first", "second", "sigma_pt")
    for key in ("first", "second"):
        if not isinstance(document[key], list):
            raise _fail(f'"{key}" must be an array of numbers')
    return stability(document["first"], document["second"], document["sigma_pt"]).as_dict()


ACTIONS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], str]] = {
    "evaluate": (_evaluate, "assigned value, σ_pt and z, z′, ζ, En scores of a round"),
    "homogeneity": (_homogeneity, "homogeneity check of duplicate measurements (ISO 13528 B)"),
    "stability": (_stability, "stability check: two series of measurements (ISO 13528 B.5)"),
}


class Command(BaseCommand):
    help = "Proficiency-testing statistics (ISO 13528): JSON file in, JSON out."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, (_, text) in ACTIONS.items():
            command = sub.add_parser(name, help=text)
            command.add_argument("file", type=Path, help="the input, a UTF-8 JSON file")
            command.add_argument(
                "--indent", type=int, default=None, help=f"pretty-print with 0–{MAX_INDENT} spaces"
            )
            command.add_argument(
                "--json", action="store_true", help="accepted for symmetry: output is always JSON"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        indent = options["indent"]
        if indent is not None and not 0 <= indent <= MAX_INDENT:
            raise _fail(f"--indent {indent}: expected 0–{MAX_INDENT}")
        path: Path = options["file"]
        document = _read(path)
        action, _ = ACTIONS[options["action"]]
        try:
            answer = action(document)
        except StatisticsError as error:
            raise _fail(f"{path}: {error.detail} [{error.code}]") from None
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=indent))
