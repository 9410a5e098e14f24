"""JSON answers mapped to posts (`api` and `browser` kinds): an answer that says the login session
has expired stops the source as 登录失效 with the command to run, before any refusal or mapping."""

import pytest
from scrapy.exceptions import CloseSpider
from scrapy.utils.test import get_crawler

from crawler.spiders.api import ApiSpider
from yuqing.core.config.sources import ApiSource

SOURCE = ApiSource.model_validate({
    "key": "letters", "name": "问政", "kind": "api", "url": "https://wz.example.cn/api?page={page}",
    "items": "data.list", "error": "msg", "fields": {"id": "id", "text": "content"},
    "login": {"url": "https://wz.example.cn/login", "done_cookie": "sid", "expired": "code == `401`"}})


@pytest.fixture
def spider() -> ApiSpider:
    crawler = get_crawler(ApiSpider)
    return ApiSpider.from_crawler(crawler, source=SOURCE)


def test_an_expired_session_answer_blocks_the_source_as_login_expired(spider):
    with pytest.raises(CloseSpider) as closed:
        spider.posts_in({"code": 401, "msg": "请重新登录"}, "all", "https://wz.example.cn/api?page=2")
    assert closed.value.reason.startswith("blocked: 登录失效") and "yuqing login letters" in closed.value.reason


def test_a_normal_answer_is_mapped(spider):
    posts, seen = spider.posts_in({"code": 0, "msg": "", "data": {"list": [{"id": 7, "content": "低保"}]}}, "all", "u")
    assert [(p.platform_id, p.text) for p in posts] == [("7", "低保")] and not seen
