"""`yuqing score`, `yuqing analyze` and `yuqing train-sentiment` through click's CliRunner."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from analysis.normalize import clean_text
from analysis.sentiment import get_sentiment_model
from analysis.sentiment.metrics import score_binary
from yuqing.shell.cli import cli

ROWS = [
    ("@榆川民政 请问低保金每月几号发到卡上？", 1),
    ("榆东区民政局的高龄津贴三个月没发了，电话一直没人接。", 0),
    ("榆东区民政局的高龄津贴三个月没发了，电话一直没人接！！", 0),
    ("请问河口市民政局的低保怎么申请？", 1),
    ("感谢榆川市民政局的工作人员上门帮老人办好了补贴，服务很贴心。", 1),
    ("婚姻登记预约网站又打不开了，榆川民政能不能修一修", 0),
]


def write_csv(path: Path, rows=ROWS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "platform"])
        writer.writerows([(text, label, "weibo") for text, label in rows])
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_score_writes_every_column_as_the_pipeline_decides(profile_dir: Path, tmp_path: Path):
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "score", str(write_csv(tmp_path / "in.csv")),
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert list(rows[0])[:3] == ["text", "input_label", "platform"] and rows[0]["clean_text"]
    assert [row["mention"] for row in rows] == ["true", "true", "true", "false", "true", "true"]
    assert rows[0]["kind"] == "consultation" and rows[0]["topic"] == "subsistence"
    assert rows[0]["owner"] == "relief-chief" and rows[3]["owner"] == ""
    assert rows[2]["duplicate_of"] == "2" and rows[1]["duplicate_of"] == ""
    assert rows[1]["label"] == "negative" and rows[1]["kind"] == "complaint" and rows[1]["reasons"]
    assert rows[0]["mention_rule"].startswith("alias:")
    assert rows[0]["stance"] == rows[0]["label"] == "neutral" and rows[0]["actionable"] == "true"
    assert rows[1]["stance"] == "negative" and float(rows[1]["negative"]) >= 0.5
    assert rows[4]["stance"] == "positive" and rows[4]["actionable"] == "false"
    assert rows[0]["department"] == "民政"


def test_score_joins_titles_and_counts_a_named_source_as_a_crawl_would(profile_dir: Path, tmp_path: Path):
    source = tmp_path / "board.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "text", "source"])
        writer.writerow(["咨询低保申请", "家里只有我一个劳动力，想问问需要什么材料？谢谢", "liuyan-board"])
        writer.writerow(["咨询低保申请", "家里只有我一个劳动力，想问问需要什么材料？谢谢", ""])
        writer.writerow(["小区物业乱收费", "物业每月多收二十元停车费，请有关部门查处", "liuyan-board"])
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "score", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    board, open_web, housing = read_csv(out)
    assert board["mention"] == "true" and board["mention_rule"] == "local+event:低保申请"
    assert board["topic"] == "subsistence" and board["actionable"] == "true" and board["stance"] != "positive"
    assert open_web["mention"] == "false"
    assert housing["mention"] == "false" and housing["department"] == "住建" and housing["actionable"] == "true"


def test_score_names_an_unknown_source(profile_dir: Path, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,source\n你好,nowhere\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "score", str(bad), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code != 0 and "nowhere" in result.output and "Traceback" not in result.output


def test_score_accuracy_equals_the_model_run_directly(profile_dir: Path, tmp_path: Path):
    out = tmp_path / "out.csv"
    CliRunner().invoke(cli, ["--config", str(profile_dir), "score", str(write_csv(tmp_path / "in.csv")), "-o", str(out)])
    scored = [float(row["sentiment"]) for row in read_csv(out)]
    direct = [r.positive for r in get_sentiment_model("yuqing").predict([clean_text(t) for t, _ in ROWS])]
    labels = [label for _, label in ROWS]
    assert scored == direct
    assert score_binary(labels, scored) == score_binary(labels, direct)


def test_score_needs_a_text_column(profile_dir: Path, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("body\n你好\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "score", str(bad), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "缺少 text 列" in result.output


def test_analyze_on_an_empty_database(profile_dir: Path, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "analyze"])
    assert result.exit_code == 0, result.output
    assert "已分析 0 条帖子" in result.output


def test_train_sentiment_reports_held_out_accuracy(profile_dir: Path, tmp_path: Path):
    train = write_csv(tmp_path / "train.csv", ROWS * 3)
    url = f"sqlite:///{tmp_path / 't.db'}"
    out = tmp_path / "model.npz"
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "train-sentiment",
                                      str(train), "--held-out", str(write_csv(tmp_path / "held.csv")),
                                      "-o", str(out), "--no-domain"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "留出集 held.csv（6 条）：准确率" in result.output


def test_train_sentiment_adds_staff_relabels_and_false_alarms(profile_dir: Path, tmp_path: Path, now):
    from yuqing.core.storage.db import make_engine, session_factory, transaction, upgrade
    from yuqing.core.storage.models import Assessment, Case, CaseAction, CasePost, Post

    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        for key, override in (("p1", "positive"), ("p2", ""), ("p3", "")):
            post = Post(dedup_key=key, platform="weibo", clean_text=f"帖子{key}", fetched_at=now, updated_at=now)
            session.add_all([post, Assessment(post=post, sentiment=0.1, sentiment_label="negative", kind="complaint",
                                              label_override=override, assessed_at=now)])
        case = Case(title="误报", kind="complaint", state="no_response", detected_at=now, created_at=now, updated_at=now)
        session.add_all([case, CasePost(case=case, post=post, attached_at=now),
                         CaseAction(case=case, actor="spokesperson", at=now, action="dismiss", reason="误报，正常咨询")])
    engine.dispose()
    result = CliRunner().invoke(cli, ["--config", str(profile_dir), "--database-url", url, "train-sentiment",
                                      str(write_csv(tmp_path / "train.csv", ROWS * 3)), "--held-out",
                                      str(write_csv(tmp_path / "held.csv")), "-o", str(tmp_path / "m.npz"),
                                      "--no-domain"])
    assert result.exit_code == 0, result.output
    assert "领域与工作人员标注 2 条" in result.output
