"""Identifiers: IAM unique ids, ARNs, and the random ids of CloudTrail records (request ids, keys, tokens).

Functions taking an ``rng`` draw from it (the caller's seeded ``random.Random``); the others are derived from their
arguments by hashing, so the same resource always gets the same id.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid

from .org import HOME_REGION


def b32id(*parts: str, n: int = 17) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.b32encode(digest).decode()[:n]


def role_id(account: str, role: str) -> str:
    return "AROA" + b32id(account, "role", role)


def user_id(account: str, user: str) -> str:
    return "AIDA" + b32id(account, "user", user)


def role_arn(account: str, role: str) -> str:
    return f"arn:aws:iam::{account}:role/{role}"


def rand_key(rng: random.Random, prefix: str = "ASIA") -> str:
    return prefix + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def rand_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rand_alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def rand_hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def s3_request_id(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(16))


def amz_id_2(rng: random.Random) -> str:
    return base64.b64encode(rng.getrandbits(8 * 57).to_bytes(57, "big")).decode()


def mutate_token(rng: random.Random, token: str) -> str:
    """A real session token with a stretch replaced: unique per event, same length and alphabet."""
    n = len(token)
    start = rng.randrange(40, max(41, n - 120))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return token[:start] + "".join(rng.choice(alphabet) for _ in range(96)) + token[start + 96:]


def vpce_id(account: str, region: str, service: str) -> str:
    return "vpce-0" + hashlib.sha256(f"{account}{region}{service}".encode()).hexdigest()[:16]


def kms_key_arn(account: str) -> str:
    return f"arn:aws:kms:{HOME_REGION}:{account}:key/{uuid.UUID(hashlib.md5(account.encode()).hexdigest())}"
