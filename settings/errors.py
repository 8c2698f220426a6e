"""Config errors that name the key and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    key: str
    problem: str
    fix: str

    def render(self, project: str) -> str:
        return f"{project}:{self.key}: {self.problem}. Fix: {self.fix}"


class ConfigError(Exception):
    """Raised before any resource is declared; lists every issue found, not only the first."""

    def __init__(self, project: str, issues: list[ConfigIssue]) -> None:
        self.project = project
        self.issues = tuple(issues)
        lines = "\n".join(f"  - {issue.render(project)}" for issue in issues)
        super().__init__(f"invalid stack config ({len(issues)} problem(s)):\n{lines}")

    def keys(self) -> set[str]:
        return {issue.key for issue in self.issues}
