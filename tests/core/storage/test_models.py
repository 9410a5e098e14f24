"""Storage behaves the same on SQLite and PostgreSQL."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from yuqing.core.storage.db import current_revision, transaction
from yuqing.core.storage.models import Case, CaseAction, EngagementSnapshot, Post, Source

T0 = datetime(2026, 11, 16, 1, 30, tzinfo=timezone.utc)


def make_post(**overrides) -> Post:
    values = dict(
        dedup_key="weibo:5001", platform="weibo", platform_id="5001", clean_text="榆川市民政局低保办理太慢",
        fetched_at=T0, updated_at=T0, published_at=T0 - timedelta(hours=1), reposts=3,
    )
    values.update(overrides)
    return Post(**values)


def make_case(**overrides) -> Case:
    values = dict(title="低保办理慢", kind="complaint", state="new", detected_at=T0, created_at=T0, updated_at=T0)
    values.update(overrides)
    return Case(**values)


def test_schema_is_at_head(engine):
    from alembic.script import ScriptDirectory

    from yuqing.core.storage.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head and head != "0001"


def test_datetimes_round_trip_as_aware_utc(sessions):
    shanghai = timezone(timedelta(hours=8))
    with transaction(sessions) as session:
        session.add(make_post(published_at=datetime(2026, 11, 16, 9, 0, tzinfo=shanghai)))
    with sessions() as session:
        post = session.scalars(select(Post)).one()
    assert post.published_at == datetime(2026, 11, 16, 1, 0, tzinfo=timezone.utc)
    assert post.published_at.tzinfo is not None


def test_naive_datetime_is_refused(sessions):
    with pytest.raises(Exception, match="naive datetime"):
        with transaction(sessions) as session:
            session.add(make_post(fetched_at=datetime(2026, 1, 1)))


def test_same_post_cannot_be_stored_twice(sessions):
    with transaction(sessions) as session:
        session.add(make_post())
    with pytest.raises(IntegrityError):
        with transaction(sessions) as session:
            session.add(make_post(clean_text="另一份"))
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 1


def test_foreign_keys_are_enforced(sessions):
    with pytest.raises(IntegrityError):
        with transaction(sessions) as session:
            session.add(EngagementSnapshot(post_id=424242, taken_at=T0))


def test_snapshots_and_near_copy_links(sessions):
    with transaction(sessions) as session:
        original = make_post()
        copy = make_post(dedup_key="weibo:5002", platform_id="5002", duplicate_of=original)
        original.snapshots.append(EngagementSnapshot(taken_at=T0, reposts=3))
        original.snapshots.append(EngagementSnapshot(taken_at=T0 + timedelta(hours=1), reposts=30))
        session.add_all([original, copy])
    with sessions() as session:
        original = session.scalars(select(Post).where(Post.platform_id == "5001")).one()
        copy = session.scalars(select(Post).where(Post.platform_id == "5002")).one()
        assert [s.reposts for s in original.snapshots] == [3, 30]
        assert copy.duplicate_of_id == original.id


def test_case_version_guards_against_lost_updates(sessions):
    with transaction(sessions) as session:
        session.add(make_case())
    first, second = sessions(), sessions()
    a = first.scalars(select(Case)).one()
    b = second.scalars(select(Case)).one()
    a.state = "triaged"
    first.commit()
    b.state = "dismissed"
    with pytest.raises(StaleDataError):
        second.commit()
    first.close(), second.close()
    with sessions() as session:
        assert session.scalars(select(Case)).one().state == "triaged"


def test_audit_rows_keep_order(sessions):
    with transaction(sessions) as session:
        case = make_case()
        case.actions.append(CaseAction(actor="system", at=T0, action="create", to_state="new"))
        case.actions.append(CaseAction(actor="relief-chief", at=T0, action="claim", from_state="new", to_state="assigned"))
        session.add(case)
    with sessions() as session:
        actions = session.scalars(select(Case)).one().actions
        assert [a.action for a in actions] == ["create", "claim"]


def test_source_state_json_round_trip(sessions):
    with transaction(sessions) as session:
        session.add(Source(key="weibo-search", kind="weibo", name="微博搜索", state={"seen": ["5001"]}))
    with sessions() as session:
        assert session.scalars(select(Source)).one().state == {"seen": ["5001"]}
