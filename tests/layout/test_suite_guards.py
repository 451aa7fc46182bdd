"""The suite's own guards: Hypothesis runs derandomized unless a profile says otherwise, and the
answer-quality tests find the shared question set or fail loudly (never skip silently)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests import shared_data


def test_hypothesis_is_derandomized_unless_a_profile_is_chosen() -> None:
    if os.environ.get("HYPOTHESIS_PROFILE"):
        pytest.skip(f"HYPOTHESIS_PROFILE={os.environ['HYPOTHESIS_PROFILE']} was chosen on purpose")
    assert settings.default.derandomize is True
    assert settings.default.database is None  # nothing carried over from another run


def test_the_shared_folder_of_a_worktree_is_found_beside_its_main_checkout(tmp_path: Path) -> None:
    main, worktree = tmp_path / "main", tmp_path / "wt" / "chat"
    (main / ".git" / "worktrees" / "chat").mkdir(parents=True)
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'chat'}\n")
    places = shared_data.candidates(worktree, environ={})
    assert places == [tmp_path / "wt" / "shared", tmp_path / "shared"]
    chosen = tmp_path / "elsewhere"
    assert shared_data.candidates(worktree, environ={"POLICYBOT_SHARED_DIR": str(chosen)})[0] == (
        chosen
    )


def test_a_missing_shared_folder_fails_the_test_saying_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = tmp_path / "no-shared-here"
    monkeypatch.setattr(shared_data, "candidates", lambda: [nowhere])
    with pytest.raises(pytest.fail.Exception, match="no-shared-here"):
        shared_data.shared_dir("eval", "qa_dev.jsonl")
