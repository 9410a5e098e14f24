"""Whose business a post is: the bureau's with its topic, or another department's for transfer."""

import pytest

from analysis.department import Department, BusinessVocabulary, judge_department
from analysis.topics import Topic

TOPICS = (
    Topic("social-assistance", "社会救助", ("临时救助", "残疾人两项补贴"), "救助科", "relief-chief"),
    Topic("subsistence", "最低生活保障", ("低保", "低保金"), "救助科", "relief-chief"),
    Topic("elderly-care", "养老服务", ("养老服务", "敬老院", "养老院", "高龄津贴"), "养老科", "elderly-chief"),
)
DEPARTMENTS = (Department("人社", ("养老保险", "退休金", "社保")), Department("医保", ("医保", "报销")),
               Department("住建", ("小区", "物业", "业主")))


@pytest.fixture(scope="module")
def vocab() -> BusinessVocabulary:
    return BusinessVocabulary(TOPICS, DEPARTMENTS, ["民政局"])


@pytest.mark.parametrize("text, department", [
    ("我爸的养老保险断缴了怎么补", "人社"),
    ("退休金这个月少发了两百", "人社"),
    ("住院报销比例太低，医保卡还刷不了", "医保"),
    ("小区物业乱收费，业主维权无门", "住建"),
])
def test_other_departments_business_is_theirs(vocab, text, department):
    match = judge_department(text, vocab)
    assert match.department == department and not match.ours
    assert f"建议转办{department}" in match.reasons[0]


def test_old_people_alone_do_not_make_elderly_care(vocab):
    assert judge_department("老人家的养老保险怎么领", vocab).department == "人社"
    assert judge_department("老人想住敬老院怎么申请", vocab).topic.key == "elderly-care"


def test_the_longer_keyword_does_not_win_a_tie_by_length(vocab):
    match = judge_department("低保户能不能申请残疾人两项补贴", vocab, title="低保户咨询")
    assert match.ours and match.topic.key == "subsistence"


def test_title_words_weigh_more(vocab):
    match = judge_department("家里老人在敬老院，物业问题另说，小区业主群也在吵", vocab, title="敬老院收费问题")
    assert match.ours and match.topic.key == "elderly-care"


def test_nothing_recognised_is_other_only_when_addressed_to_government(vocab):
    assert judge_department("今天天气不错", vocab, government=False).department == ""
    assert judge_department("请尽快答复", vocab, government=True).department == "其他"


def test_what_a_letter_asks_to_have_done_weighs_twice(vocab):
    asked = judge_department("社保和退休金都在外地，想在这里办理低保，需要什么材料？", vocab)
    assert asked.topic.key == "subsistence"
    assert judge_department("社保和退休金都在外地，这里的低保标准是多少？", vocab).department == "人社"


def test_learned_choice_reads_character_grams_of_words_it_never_met(vocab, department_model_from):
    letters = [(f"{place}楼下的{thing}{n}号又坏了", department)
               for n, place in enumerate(["东苑", "西苑", "南苑", "北苑", "中苑"])
               for thing, department in (("架空层", "住建"), ("垃圾站", "城管"))]
    model = department_model_from(letters, vocab, titles=[text for text, _ in letters])
    for title, department in (("新苑架空层面漏水", "住建"), ("新苑垃圾站点太臭", "城管")):
        assert model.refine("", title, judge_department("", vocab, title)).department == department


@pytest.fixture(scope="module")
def open_web_model(vocab, department_model_from):
    """A department model that learned open-web posts with no department's words: some are a
    department's business, the rest no government business at all."""
    posts = [(f"{place}{text}", department) for place in ("东城", "西城", "南城", "北城", "中城")
             for text, department in (("疫苗第二针还没通知接种", "卫健"), ("这家店的蛋糕过期了还在卖", "市场监管"),
                                      ("今天的晚霞好美", ""))]
    return department_model_from(posts, vocab, open_web=True)


@pytest.mark.parametrize("text, department", [
    ("新城疫苗第二针什么时候通知", "卫健"),
    ("新城那家店的蛋糕过期了", "市场监管"),
    ("新城的晚霞好美", ""),
])
def test_a_post_with_no_departments_words_gets_the_models_guess_or_none(vocab, open_web_model, text, department):
    match = judge_department(text, vocab, government=False)
    assert match.department == ""
    guessed = open_web_model.refine(text, "", match, guess=True)
    assert guessed.department == department
    if department:
        assert "未命中部门用语" in guessed.reasons[0] and f"建议转办{department}" in guessed.reasons[0]


def test_without_guess_a_match_with_no_departments_words_is_left_alone(vocab, open_web_model):
    match = judge_department("新城疫苗第二针什么时候通知", vocab, government=False)
    assert open_web_model.refine("新城疫苗第二针什么时候通知", "", match).department == ""
