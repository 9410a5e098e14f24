"""Optional wording polish by an OpenAI-compatible model, behind the same guards as the suggestions.

The model may only rephrase: each polished sentence must keep every number, quoted span and
protected name (bureau, section, hotline) of its original and add none; the count and order of
sentences, and so every citation, stay the same; the whole must still fit the platform limit.
Anything else (a refusal, a timeout, a failed guard) keeps the original suggestion.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import requests

from yuqing.core.config import Settings
from yuqing.core.config.replies import Endpoint

log = logging.getLogger(__name__)
FACT = re.compile(r"\d+(?:[.\-]\d+)*|《[^》]*》|“[^”]*”|\"[^\"]*\"")
PROMPT = ("你是政务新媒体编辑。请只润色下列回复句子的措辞，使其通顺、得体、口语化；"
          "不得增加、删除或改变任何事实、数字、日期、电话、文件名和机构名称；句子数量和顺序保持不变。"
          "只输出 JSON 字符串数组，每个元素是一句改写后的句子。")


class PolishRejected(Exception):
    """The model's answer was unusable or broke a guard; the original is kept."""


def protected_names(settings: Settings) -> set[str]:
    """Names a model must neither add nor drop: the bureau's names, its hotline and every section."""
    bureau = settings.bureau
    names = {bureau.name, bureau.short_name, bureau.hotline, *(t.section for t in settings.topics.topics)}
    return {n for n in names if n}


def facts(text: str) -> list[str]:
    """The checkable facts of a text: its numbers (dates, phones, amounts) and quoted spans."""
    return FACT.findall(text)


def check_sentence(original: str, polished: str, protected: set[str]) -> None:
    """Raise PolishRejected when the polished sentence adds, drops or changes a fact of the original."""
    if sorted(facts(original)) != sorted(facts(polished)):
        raise PolishRejected(f"数字或引文被改动: {original!r} → {polished!r}")
    for name in protected:
        if polished.count(name) != original.count(name):
            raise PolishRejected(f"机构名称或电话被改动: {name}")
    if not polished.strip():
        raise PolishRejected("空句子")


def ask_model(config: Endpoint, environ: Mapping[str, str], prompt: str, payload: Any) -> Any:
    """Send `payload` as JSON to the bureau's OpenAI-compatible chat-completions endpoint and return the
    JSON the model answered; PolishRejected (one line) when the endpoint is unset, down, slow or unparsable."""
    base = environ.get(config.url_env, "").rstrip("/")
    if not base:
        raise PolishRejected(f"未设置环境变量 {config.url_env}")
    key = environ.get(config.api_key_env, "")
    model = environ.get(config.model_env, "") if config.model_env else ""
    body: dict[str, Any] = {"model": model or config.model, "temperature": 0, "messages": [
        {"role": "system", "content": prompt}, {"role": "user", "content": json.dumps(payload, ensure_ascii=False)}]}
    try:
        response = requests.post(f"{base}/chat/completions", json=body, timeout=config.timeout_seconds,
                                 headers={"Authorization": f"Bearer {key}"} if key else {})
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
        return json.loads(content.strip().removeprefix("```json").removeprefix("```").removesuffix("```"))
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PolishRejected(f"模型服务不可用或答复无法解析: {type(exc).__name__}") from None


def _ask(settings: Settings, sentences: list[str], environ: Mapping[str, str]) -> list[str]:
    result = ask_model(settings.replies.polish, environ, PROMPT, sentences)
    if not isinstance(result, list) or not all(isinstance(s, str) for s in result):
        raise PolishRejected("答复不是字符串数组")
    return [s.strip() for s in result]


def polish(settings: Settings, suggestion: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """The suggestion with smoother wording when the guards pass; otherwise the original, unchanged."""
    if not settings.replies.polish.enabled or not suggestion.get("sentences"):
        return suggestion
    originals = [s["text"] for s in suggestion["sentences"]]
    try:
        polished = _ask(settings, originals, environ)
        if len(polished) != len(originals):
            raise PolishRejected("句子数量改变")
        for before, after in zip(originals, polished, strict=True):
            check_sentence(before, after, protected_names(settings))
        if sum(map(len, polished)) > suggestion["limit"]:
            raise PolishRejected("润色后超过字数上限")
    except PolishRejected as exc:
        log.info("polish rejected, original kept: %s", exc)
        return suggestion
    sentences = [{"text": t, "source": s["source"], "original": s["text"]}
                 for t, s in zip(polished, suggestion["sentences"], strict=True)]
    return {**suggestion, "text": "".join(polished), "sentences": sentences, "polished": True}
