"""What every request of one app shares: its settings, database sessions and webhook reader."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from distributor.bounces import WebhookReader
from distributor.config import Settings


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    webhooks: WebhookReader

    @classmethod
    def of(cls, request: Request) -> AppState:
        state: AppState = request.app.state.distributor
        return state
