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


def read_secret(section: str, env_key: str, env_name: str | None, file_key: str, file_path, env=None) -> bytes:
    """The secret a settings table points at: the environment variable ``env_name`` (setting ``env_key``), else the
    file ``file_path`` (setting ``file_key``), trailing newline cut. ValueError, one line naming the setting
    (``section.env_key`` or ``section.file_key``), when the variable is unset or empty or the file cannot be read;
    each caller turns it into its own kind of failure (a configuration error, a notification's warning). ``env``:
    the environment to read (default ``os.environ``)."""
    import os
    from pathlib import Path

    if env_name is not None:
        value = (os.environ if env is None else env).get(env_name, "").strip()
        if not value:
            raise ValueError(f"{section}.{env_key}: environment variable {env_name} is not set")
        return value.encode("utf-8")
    try:
        return Path(file_path).read_bytes().rstrip(b"\r\n")
    except OSError as e:
        raise ValueError(f"{section}.{file_key}: cannot read {file_path}: {e.strerror or e}") from None
