"""`yuqing demo` runs the whole loop offline, twice in a row, and leaves mail including a digest."""

import re
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import default as default_policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from yuqing.shell.cli import cli

pytestmark = pytest.mark.slow


def _subjects(folder: Path) -> list[str]:
    subjects = []
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=default_policy)
        subjects.append(str(make_header(decode_header(message["Subject"]))))
    return subjects


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    """Run the demo twice in the same folder, as a newcomer might: plain `yuqing demo` from a
    folder of their own (not the project's), so the default relative --dir is used."""
    home = tmp_path_factory.mktemp("demo")
    folder = home / "yuqing-demo"
    runner = CliRunner()
    results = []
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(home)
        for _ in range(2):
            result = runner.invoke(cli, ["demo"], env={"YUQING_DATABASE_URL": None})
            results.append((result, _subjects(folder / "mail")))
    return folder, results


def test_each_run_prints_the_summary(demo_runs):
    _, results = demo_runs
    for result, _ in results:
        assert result.exit_code == 0, result.output
        assert "== yuqing 演示完成 ==" in result.output
        assert "工单（按承办人）" in result.output and "网页工作台账号" in result.output


def test_mail_includes_alerts_and_the_digest(demo_runs):
    _, results = demo_runs
    for _, subjects in results:
        assert any("舆情周报" in s for s in subjects), subjects
        assert len(subjects) >= 2


def test_second_run_starts_fresh(demo_runs):
    (_, first), (_, second) = demo_runs[1]
    without_numbers = [sorted(re.sub(r"#\d+", "#", s) for s in subjects) for subjects in (first, second)]
    assert without_numbers[0] == without_numbers[1]


def test_demo_profile_continues_on_the_demo_data(demo_runs):
    folder, _ = demo_runs
    result = CliRunner().invoke(cli, ["--config", str(folder / "config"), "queue", "list", "--json"],
                                env={"YUQING_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    assert '"owner"' in result.output and '"deadline' in result.output


def test_summary_shows_a_comment_thread_under_the_bureaus_post(demo_runs):
    _, results = demo_runs
    output = results[0][0].output
    thread = output.split("本局微博下的评论（一例）:\n", 1)[1].split("网页工作台账号", 1)[0]
    assert thread.splitlines()[0].strip().startswith("榆川民政：【寒潮提醒】")
    assert "    └ 东湖街道老住户：救助站在哪里？" in thread and "      └ 榆川民政（本局）：您好" in thread
