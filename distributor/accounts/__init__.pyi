from .api_keys import create_api_key, get_api_key, list_api_keys, revoke_api_key, verify_api_key
from .login_limits import LoginLimiter, create_login_limiter
from .login_sessions import (
    LoginClient,
    end_login_session,
    list_login_sessions,
    live_login_session,
    start_login_session,
)
from .passwords import HASH_WAIT, MIN_PASSWORD_LENGTH
from .permissions import Permission, Principal, allows, minimum_role, require, role_named
from .users import (
    authenticate,
    available_zones,
    change_password,
    create_user,
    deactivate,
    get_user,
    list_users,
    log_out_everywhere,
    set_password,
    set_role,
    set_time_zone,
)

__all__ = [
    "HASH_WAIT",
    "MIN_PASSWORD_LENGTH",
    "LoginClient",
    "LoginLimiter",
    "Permission",
    "Principal",
    "allows",
    "authenticate",
    "available_zones",
    "change_password",
    "create_api_key",
    "create_login_limiter",
    "create_user",
    "deactivate",
    "end_login_session",
    "get_api_key",
    "get_user",
    "list_api_keys",
    "list_login_sessions",
    "list_users",
    "live_login_session",
    "log_out_everywhere",
    "minimum_role",
    "require",
    "revoke_api_key",
    "role_named",
    "set_password",
    "set_role",
    "set_time_zone",
    "start_login_session",
    "verify_api_key",
]
