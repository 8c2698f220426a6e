"""The README stays true: set-up commands, CI, configuration reference."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.sync_pulumi_yaml import render_config_table, sync_readme
from settings.declarations import project_config_declarations

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def first_code_block(text: str) -> list[str]:
    match = re.search(r"```(?:sh|bash)?\n(.*?)```", text, re.S)
    assert match, "README has no code block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_setup_commands():
    before = README.split("```", 1)[0]
    assert before.count("\n") <= 3, "the set-up commands must come first"
    commands = [line.split("#", 1)[0].strip() for line in first_code_block(README)]
    assert commands == ["make up", "make test"]


def test_make_targets_run_the_scripts_the_readme_describes():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:\n\tscripts/test\.sh$", makefile, re.M)
    assert re.search(r"^up:\n\tscripts/dev-up\.sh up$", makefile, re.M)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "exec make test" in ci


def test_dev_up_uses_a_local_file_backend_and_no_cloud_login():
    script = (ROOT / "scripts" / "dev-up.sh").read_text()
    assert 'PULUMI_BACKEND_URL="file://' in script
    assert "pulumi login" not in script


def test_configuration_reference_is_the_generated_table():
    assert sync_readme(README) == README, "run scripts/sync_pulumi_yaml.py"
    assert render_config_table() in README
    for key in project_config_declarations():
        assert f"| `{key}` |" in README
