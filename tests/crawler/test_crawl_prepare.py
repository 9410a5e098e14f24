"""Processes that start together on a new PostgreSQL database (the daemon and two workers) each create
the Source rows: the one that loses the race to insert a row reads the winner's instead of failing."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from crawler.db import engine_for
from crawler.run import prepare_sources
from tests.conftest import _fresh_postgres_url
from yuqing.core.storage.db import transaction, upgrade
from yuqing.core.storage.models import Source

pytestmark = pytest.mark.postgres


def test_a_source_row_another_process_inserted_meanwhile_is_read_on_a_second_try(postgres_admin_url, settings):
    url = _fresh_postgres_url(postgres_admin_url)
    engine = engine_for(url)
    upgrade(engine)
    sources = [s for s in settings.sources.sources if s.enabled][:2]
    raced: list[str] = []

    def other_process_inserts_first(session, _context, _instances):
        if not raced:
            raced.append(sources[0].key)
            with Session(engine_for(url)) as other, other.begin():
                other.add(Source(key=sources[0].key, kind=sources[0].kind, name="另一进程"))

    event.listen(Session, "before_flush", other_process_inserts_first)
    try:
        cursors = prepare_sources(url, sources)
    finally:
        event.remove(Session, "before_flush", other_process_inserts_first)
    assert raced and set(cursors) == {s.key for s in sources}
    with transaction(lambda: Session(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 2
        assert session.scalar(select(Source.name).where(Source.key == sources[0].key)) == sources[0].name
