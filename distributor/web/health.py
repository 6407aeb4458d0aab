"""GET /healthz: the probe of load balancers and supervisors, and the same with detail for
an admin's API key: which workers and beat are alive, and which send-outs wait on one.

Without a key it reads nothing but a connection: probes come every few seconds.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from distributor.accounts import verify_api_key
from distributor.db import check_connection
from distributor.errors import PermissionDenied
from distributor.models import Role, utcnow
from distributor.observability import staffing
from distributor.web.state import AppState

router = APIRouter()


@router.get(
    "/healthz",
    summary="Is the app up and its database reachable? With an admin's API key, which "
    "processes are alive and which send-outs wait on one that is not",
)
async def healthz(request: Request) -> JSONResponse:
    state = AppState.of(request)
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if not key:
        await run_in_threadpool(check_connection, state.engine)
        return JSONResponse({"status": "ok"}, status_code=HTTPStatus.OK)
    if scheme.lower() != "bearer":
        raise HTTPException(HTTPStatus.UNAUTHORIZED, "send an admin's API key as a bearer token")
    return JSONResponse(await run_in_threadpool(_detail, state, key.strip()))


def _detail(state: AppState, key: str) -> dict[str, Any]:
    now = utcnow()
    with state.sessions.begin() as session:
        principal = verify_api_key(session, key)
        if principal is None:
            raise HTTPException(
                HTTPStatus.UNAUTHORIZED, "the API key is unknown, revoked or expired"
            )
        if principal.role is not Role.ADMIN:
            raise PermissionDenied("the health detail is for an admin's API key")
        seen = staffing(session, now)
    return {
        "status": "waiting" if seen.waiting else "ok",
        "processes": [
            {
                "name": p.name,
                "role": p.role.value,
                "host": p.host,
                "pid": p.pid,
                "started_at": p.started_at.isoformat(),
                "seen_at": p.seen_at.isoformat(),
                "alive": p.alive,
            }
            for p in seen.processes
        ],
        "waiting": [{"role": w.role.value, "sendout_ids": w.sendout_ids} for w in seen.waiting],
    }
