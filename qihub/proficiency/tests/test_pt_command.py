"""``qihub pt evaluate|homogeneity|stability FILE.json``: the JSON contracts and exit codes."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qihub.proficiency.tests import reference_iso13528 as ref

ROUND = {
    "results": [
        {"participant": "P01", "value": 1.69, "U": 0.1, "k": 2},
        {"participant": "P02", "value": 1.72, "U": 0.12, "k": 2},
        {"participant": "P03", "value": 1.65},
        {"participant": "P04", "value": 1.80, "U": 0.2},
        {"participant": "P05", "value": 2.45, "U": 0.1, "k": 2},
        {"participant": "P06", "value": 1.71, "U": 0.08, "k": 2},
        {"participant": "P07", "value": 1.68, "U": 0.1, "k": 2},
    ],
    "sigma_pt": None,
    "assigned_value": None,
    "u_assigned": None,
    "method": "algorithm_a",
}
SCORE_KEYS = [
    "participant",
    "z",
    "z_prime",
    "zeta",
    "en",
    "z_class",
    "z_prime_class",
    "zeta_class",
    "en_class",
    "classification",
]


def write(tmp_path, document, name="input.json"):
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    out = StringIO()
    call_command("pt", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def fails(*args):
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 1
    return str(raised.value)


def test_evaluate_prints_the_contract(tmp_path):
    answer = json.loads(run("evaluate", write(tmp_path, ROUND)))

    assert list(answer) == [
        "assigned_value",
        "u_assigned",
        "robust_sd",
        "sigma_pt",
        "z_prime_required",
        "scores",
    ]
    assert [list(score) for score in answer["scores"]] == [SCORE_KEYS] * 7
    expected = ref.evaluate(ROUND["results"])
    assert answer["assigned_value"] == pytest.approx(expected["assigned_value"], rel=1e-9)
    assert answer["robust_sd"] == pytest.approx(expected["robust_sd"], rel=1e-9)
    assert answer["sigma_pt"] == answer["robust_sd"]  # σ_pt null → the robust SD
    by_code = {score["participant"]: score for score in answer["scores"]}
    assert by_code["P05"]["z_class"] == "unsatisfactory"
    assert by_code["P03"]["zeta"] is None and by_code["P03"]["en_class"] is None


def test_evaluate_with_reference_value_horwitz_and_q_hampel(tmp_path):
    # results in % (mass fraction 1.7 % = 0.017): σ_pt = Horwitz(0.017) × 100
    document = dict(
        ROUND,
        assigned_value=1.70,
        u_assigned=0.01,
        method="q_hampel",
        sigma_pt={"horwitz": 0.017, "factor": 100},
    )

    answer = json.loads(run("evaluate", write(tmp_path, document), "--indent", "2"))

    assert answer["assigned_value"] == 1.70
    assert answer["u_assigned"] == 0.01
    assert answer["sigma_pt"] == pytest.approx(0.02 * 0.017**0.8495 * 100)
    assert answer["z_prime_required"] is False
    assert answer["scores"][0]["classification"] == answer["scores"][0]["z_class"]


def test_evaluate_indent_pretty_prints(tmp_path):
    text = run("evaluate", write(tmp_path, ROUND), "--indent", "2")

    assert text.startswith('{\n  "assigned_value"')


def test_homogeneity_prints_the_contract(tmp_path):
    samples = [
        [0.185, 0.194],
        [0.187, 0.189],
        [0.182, 0.186],
        [0.188, 0.196],
        [0.191, 0.181],
        [0.188, 0.180],
        [0.187, 0.196],
        [0.177, 0.186],
        [0.179, 0.187],
        [0.188, 0.196],
    ]
    path = write(tmp_path, {"samples": samples, "sigma_pt": 0.028})

    answer = json.loads(run("homogeneity", path))

    assert list(answer) == [
        "general_mean",
        "s_x",
        "s_w",
        "s_s",
        "limit",
        "passed",
        "critical_value",
        "passed_extended",
    ]
    assert answer == pytest.approx(ref.homogeneity(samples, 0.028), rel=1e-9)
    assert answer["passed"] is True


def test_stability_prints_the_contract(tmp_path):
    path = write(tmp_path, {"first": [5.01, 4.98, 5.03], "second": [4.80, 4.82], "sigma_pt": 0.3})

    answer = json.loads(run("stability", path))

    assert list(answer) == ["mean_first", "mean_second", "difference", "limit", "passed"]
    assert answer["difference"] == pytest.approx(15.02 / 3 - 4.81, rel=1e-12)
    assert answer["passed"] is False  # 0.1967 > 0.3·0.3


@pytest.mark.parametrize(
    ("action", "document", "message"),
    [
        ("evaluate", "{not json", "invalid JSON at line 1"),
        (
            "evaluate",
            '{"results": [{"participant": "P1", "value": NaN}]}',
            "NaN is not a valid number",
        ),
        ("evaluate", "[1, 2, 3]", "expected a JSON object"),
        ("evaluate", {"sigma_pt": 0.1}, 'missing key(s): "results"'),
        ("evaluate", dict(ROUND, sigma=1), 'unknown key(s): "sigma"'),
        ("evaluate", dict(ROUND, results={"P01": 1.0}), '"results" must be an array'),
        ("evaluate", dict(ROUND, method="median"), '"method" must be one of'),
        ("evaluate", dict(ROUND, results=ROUND["results"][:2]), "too_few_results"),
        (
            "evaluate",
            dict(ROUND, results=[{"participant": "P01", "value": "1,69"}] * 3),
            "not_numeric",
        ),
        (
            "evaluate",
            dict(
                ROUND,
                results=[
                    {"participant": "P01", "value": 1.0},
                    {"participant": "P02"},
                    {"participant": "P03", "value": 1.0},
                ],
            ),
            "value",
        ),
        ("evaluate", dict(ROUND, sigma_pt=-1), "sigma_pt_invalid"),
        ("homogeneity", {"samples": [[1.0, 1.1]]}, 'missing key(s): "sigma_pt"'),
        ("homogeneity", {"samples": [[1.0, 1.1], [1.0, 1.1, 1.2]], "sigma_pt": 1}, "invalid_input"),
        ("homogeneity", {"samples": [[1.0, 1.1]], "sigma_pt": 1}, "too_few_results"),
        ("stability", {"first": [1.0], "sigma_pt": 1}, 'missing key(s): "second"'),
        ("stability", {"first": "1.0", "second": [1.0], "sigma_pt": 1}, '"first" must be an array'),
        ("stability", {"first": [1.0, "x"], "second": [1.0], "sigma_pt": 1}, "not_numeric"),
    ],
)
def test_bad_input_exits_1_naming_the_problem(tmp_path, action, document, message):
    text = fails(action, write(tmp_path, document))

    assert message in text


def test_missing_file_and_bad_indent_exit_1(tmp_path):
    assert "no such file" in fails("evaluate", tmp_path / "absent.json")
    assert "--indent" in fails("evaluate", write(tmp_path, ROUND), "--indent", "99")


def test_non_numeric_value_names_the_participant(tmp_path):
    document = dict(ROUND, results=[*ROUND["results"][:2], {"participant": "P99", "value": "abc"}])

    assert "P99" in fails("evaluate", write(tmp_path, document))


def test_console_script_exits_1_without_a_traceback(tmp_path):
    path = write(tmp_path, "{broken")

    completed = subprocess.run(
        [sys.executable, "-m", "qihub.cli", "pt", "evaluate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert completed.returncode == 1
    assert "invalid JSON" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
