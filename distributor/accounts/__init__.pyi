from .api_keys import create_api_key, get_api_key, list_api_keys, revoke_api_key, verify_api_key
from .attempt_limits import LOGIN_LIMITS, SIGNUP_LIMITS, AttemptLimiter, create_attempt_limiter
from .passwords import HASH_WAIT, MIN_PASSWORD_LENGTH
from .permissions import Permission, Principal, allows, minimum_role, require, role_named
from .users import (
    authenticate,
    available_zones,
    create_user,
    deactivate,
    get_user,
    list_users,
    set_role,
    set_time_zone,
)

__all__ = [
    "HASH_WAIT",
    "LOGIN_LIMITS",
    "MIN_PASSWORD_LENGTH",
    "SIGNUP_LIMITS",
    "AttemptLimiter",
    "Permission",
    "Principal",
    "allows",
    "authenticate",
    "available_zones",
    "create_api_key",
    "create_attempt_limiter",
    "create_user",
    "deactivate",
    "get_api_key",
    "get_user",
    "list_api_keys",
    "list_users",
    "minimum_role",
    "require",
    "revoke_api_key",
    "role_named",
    "set_role",
    "set_time_zone",
    "verify_api_key",
]
