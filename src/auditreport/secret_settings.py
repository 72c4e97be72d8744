"""A secret never goes in the configuration file: the one check every settings model that needs one uses
(``[signing]``'s password, ``[privacy]``'s key). The file names where the secret is (an environment variable, a
file); a key that would hold the secret itself is refused, naming what to write instead."""

from __future__ import annotations


def refuse_secret(values, keys: tuple[str, ...], instead: str):
    """``values`` (a settings table as read) unchanged, or ValueError when it holds any of ``keys``."""
    if isinstance(values, dict) and any(k in values for k in keys):
        raise ValueError(f"{instead} never goes in the configuration: {_where[instead]}")
    return values


_where = {
    "a password": "name the environment variable that holds it in password_env",
    "a key": "name the environment variable that holds it in key_env, or a file in key_file",
}
