"""Server-side sessions of the web desk: the cookie carries a random id, the row says whether it still counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from yuqing.core.storage.models import Base


class WebSession(Base):
    """One signed-in browser; deleting the row signs it out wherever its cookie was copied to."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's id, never the id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
